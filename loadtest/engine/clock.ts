import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** Time source for the schedulers; tests swap in a virtual one. Times are ms on one monotonic base. */
export interface Clock {
  now(): number;
  /** Resolves at `at` or later; rejects with the signal's reason when aborted. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
  /** Lets pending I/O run when the scheduler has a long stretch of due work. */
  yieldNow(): Promise<void>;
}

export function createSystemClock(): Clock {
  return {
    now: () => performance.now(),
    async sleepUntil(at, signal) {
      // Timers may fire a fraction of a millisecond early; never start an iteration before its time.
      for (let left = at - performance.now(); left > 0; left = at - performance.now()) {
        await delay(Math.max(1, Math.ceil(left)), undefined, { signal });
      }
    },
    yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)),
  };
}
