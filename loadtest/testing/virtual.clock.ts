import type { Clock } from '../engine/clock';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

export interface VirtualClock extends Clock {
  /** Advances time timer by timer until nothing is waiting, letting promises settle in between. */
  runAll(limitMs?: number): Promise<void>;
  set(at: number): void;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A discrete-event clock: time only moves when every pending promise has settled. */
export function createVirtualClock(start = 0): VirtualClock {
  let now = start;
  let seq = 0;
  const timers: Timer[] = [];
  return {
    now: () => now,
    set(at) {
      now = at;
    },
    sleepUntil(at, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (at <= now) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
          reject(signal?.reason);
        };
        const timer: Timer = {
          at,
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        timers.push(timer);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    yieldNow: settle,
    async runAll(limitMs = Number.POSITIVE_INFINITY) {
      for (;;) {
        for (let i = 0; i < 5; i++) await settle();
        if (timers.length === 0) return;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift()!;
        if (next.at > limitMs) {
          timers.unshift(next);
          return;
        }
        now = next.at;
        next.resolve();
      }
    },
  };
}
