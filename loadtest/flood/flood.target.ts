/** A queue the flood mode pushes into directly, bypassing the gateway. */
export interface FloodTarget {
  /** Enqueues `n` messages; rejects if any of them was not accepted. */
  send(n: number): Promise<void>;
  /** Where the messages go, as an operator names it (`aira:chat`, a queue URL). */
  readonly label: string;
  /** How many workers consume the queue now; null when the transport cannot tell. */
  consumers(): Promise<number | null>;
  close(): Promise<void>;
}
