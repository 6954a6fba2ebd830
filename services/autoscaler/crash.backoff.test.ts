import { describe, expect, it } from 'vitest';
import { createCrashHistory } from './crash.backoff';

const policy = { baseMs: 500, maxMs: 10_000, crashLoopCrashes: 4, windowMs: 60_000 };

describe('crash history', () => {
  it('doubles the restart delay per crash in a row, up to the max', () => {
    const history = createCrashHistory({ ...policy, crashLoopCrashes: 100 });
    const delays = Array.from({ length: 8 }, (_, i) => history.crash(i * 61_000).delayMs);
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('is a crash loop at N crashes within the window, reported once', () => {
    const history = createCrashHistory(policy);
    const verdicts = [0, 1000, 5000, 20_000, 40_000].map((t) => history.crash(t));
    expect(verdicts.map((v) => [v.crashLoop, v.enteredCrashLoop])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, true],
      [true, false],
    ]);
    expect(verdicts[3]!.delayMs).toBe(policy.maxMs);
  });

  it('does not count crashes older than the window', () => {
    const history = createCrashHistory(policy);
    for (const t of [0, 30_000, 61_000, 92_000]) history.crash(t);
    expect(history.crashesInWindow).toBe(2);
    expect(history.crashLoop).toBe(false);
  });

  it('stays a crash loop while it keeps crashing slowly, and forgets once the worker ran stable', () => {
    const history = createCrashHistory(policy);
    for (const t of [0, 1, 2, 3]) history.crash(t);
    expect(history.crash(200_000).crashLoop).toBe(true);
    history.stable();
    expect(history.crashLoop).toBe(false);
    expect(history.crash(300_000)).toMatchObject({ delayMs: 500, crashLoop: false, crashesInWindow: 1 });
  });
});
