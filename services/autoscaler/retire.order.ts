/** A worker the supervisor could retire. */
export interface RetireCandidate {
  readonly id: string;
  /** `backoff`: crashed and waiting to be restarted, so no process to stop at all. */
  readonly state: 'backoff' | 'starting' | 'running';
  /** Order of creation within the fleet; higher is newer. */
  readonly seq: number;
  /** Jobs it holds now; undefined when unknown. */
  readonly inFlight: number | undefined;
}

const stateRank = { backoff: 0, starting: 1, running: 2 } as const;

/**
 * The order in which to retire workers: first those not serving (a pending restart, then a start
 * not yet taking jobs), then the idle, then the least busy, newest first among equals. A worker
 * whose load is unknown goes after those known to be less busy. Any worker may be retired safely
 * (it drains), so this order only keeps drains short and leaves the warm, long-running ones.
 */
export function retireOrder<T extends RetireCandidate>(candidates: readonly T[]): T[] {
  const load = (c: RetireCandidate) => c.inFlight ?? Number.POSITIVE_INFINITY;
  return [...candidates].sort(
    (a, b) =>
      stateRank[a.state] - stateRank[b.state] ||
      (a.state === 'running' ? load(a) - load(b) : 0) ||
      b.seq - a.seq,
  );
}
