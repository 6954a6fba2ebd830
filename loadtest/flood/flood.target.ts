/** A queue the flood mode pushes into directly, bypassing the gateway. */
export interface FloodTarget {
  /** Enqueues `n` messages; rejects if any of them was not accepted. */
  send(n: number): Promise<void>;
  close(): Promise<void>;
}
