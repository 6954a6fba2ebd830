import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../testing/virtual.clock';
import { runClosedModel } from './closed.scheduler';

describe('runClosedModel', () => {
  it('spawns users at the spawn rate and loops each until the duration ends', async () => {
    const clock = createVirtualClock(0);
    const starts: { vu: number; at: number }[] = [];
    const run = runClosedModel({
      clock,
      vus: 4,
      spawnRate: 2,
      durationMs: 3000,
      stopScheduling: new AbortController().signal,
      iterationSignal: new AbortController().signal,
      iterate: async (ctx) => {
        starts.push({ vu: ctx.index, at: clock.now() });
        await clock.sleepUntil(clock.now() + 1000);
        return ctx.index !== 3;
      },
    });
    await clock.runAll();
    const outcome = await run;
    // Users start at 0, 0.5, 1 and 1.5 s and start iterations while t < 3 s.
    expect(starts.filter((s) => s.vu === 0).map((s) => s.at)).toEqual([0, 1000, 2000]);
    expect(starts.filter((s) => s.vu === 3).map((s) => s.at)).toEqual([1500, 2500]);
    expect(outcome.started).toBe(3 + 3 + 2 + 2);
    expect(outcome.failed).toBe(2);
    expect(outcome.late).toBe(0);
  });

  it('starts no new iteration once scheduling stops', async () => {
    const clock = createVirtualClock(0);
    const stop = new AbortController();
    let started = 0;
    const run = runClosedModel({
      clock,
      vus: 2,
      spawnRate: 100,
      durationMs: 60_000,
      stopScheduling: stop.signal,
      iterationSignal: new AbortController().signal,
      iterate: async () => {
        started++;
        await clock.sleepUntil(clock.now() + 100);
        return true;
      },
    });
    await clock.runAll(1000);
    stop.abort();
    await clock.runAll();
    await run;
    expect(started).toBeGreaterThan(10);
    expect(started).toBeLessThan(25);
  });
});
