/** How a supervisor answers crashes. */
export interface RestartPolicy {
  /** Delay before the first restart; each crash in a row doubles it. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** This many crashes within windowMs is a crash loop. */
  readonly crashLoopCrashes: number;
  readonly windowMs: number;
}

export interface CrashVerdict {
  /** Wait this long before starting the worker again. */
  readonly delayMs: number;
  readonly crashesInWindow: number;
  readonly crashLoop: boolean;
  /** This crash is the one that made it a crash loop (report it once). */
  readonly enteredCrashLoop: boolean;
}

/**
 * The crash record of one worker: exponential backoff between restarts and crash-loop detection.
 * It forgets only when the worker has run long enough (`stable`), not merely because time passed,
 * so a worker that crashes once a minute at full backoff stays reported as crash-looping.
 */
export function createCrashHistory(policy: RestartPolicy) {
  let crashes: number[] = [];
  let inRow = 0;
  let looping = false;

  return {
    crash(now: number): CrashVerdict {
      crashes = [...crashes.filter((t) => t > now - policy.windowMs), now];
      inRow += 1;
      const wasLooping = looping;
      looping ||= crashes.length >= policy.crashLoopCrashes;
      const delayMs = looping
        ? policy.maxMs
        : Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(inRow - 1, 30));
      return {
        delayMs,
        crashesInWindow: crashes.length,
        crashLoop: looping,
        enteredCrashLoop: looping && !wasLooping,
      };
    },
    /** The worker has been running for the window without crashing: start afresh. */
    stable() {
      crashes = [];
      inRow = 0;
      looping = false;
    },
    get crashLoop() {
      return looping;
    },
    get crashesInWindow() {
      return crashes.length;
    },
  };
}

export type CrashHistory = ReturnType<typeof createCrashHistory>;
