import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../testing/virtual.clock';
import type { IterationContext } from './iteration.types';
import { runOpenModel } from './open.scheduler';
import { constantStage, parseStages } from './stages.parse';

interface Seen {
  intendedAt: number;
  startedAt: number;
  late: boolean;
  endedAt?: number;
}

function setup(opts: {
  stages: ReturnType<typeof parseStages>;
  maxInflight: number;
  workMs: number;
  lateThresholdMs?: number;
}) {
  const clock = createVirtualClock(1000);
  const stop = new AbortController();
  const iterations = new AbortController();
  const seen: Seen[] = [];
  const run = runOpenModel({
    clock,
    stages: opts.stages,
    maxInflight: opts.maxInflight,
    lateThresholdMs: opts.lateThresholdMs ?? 50,
    stopScheduling: stop.signal,
    iterationSignal: iterations.signal,
    iterate: async (ctx: IterationContext) => {
      await clock.sleepUntil(clock.now() + opts.workMs, ctx.signal).catch(() => undefined);
      return !ctx.signal.aborted;
    },
    hooks: {
      onStart: (ctx, startedAt, late) => {
        seen.push({ intendedAt: ctx.intendedAt, startedAt, late });
      },
      onEnd: (ctx, endedAt) => {
        seen.find((s) => s.intendedAt === ctx.intendedAt)!.endedAt = endedAt;
      },
    },
  });
  return { clock, run, seen, stop, iterations };
}

describe('runOpenModel', () => {
  it('starts every iteration exactly at its intended time when there is room', async () => {
    const { clock, run, seen } = setup({ stages: constantStage(10, 1000), maxInflight: 100, workMs: 250 });
    await clock.runAll();
    const outcome = await run;
    expect(outcome).toMatchObject({
      scheduled: 10,
      started: 10,
      completed: 10,
      failed: 0,
      late: 0,
      skipped: 0,
    });
    expect(seen.map((s) => s.intendedAt - 1000)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    for (const s of seen) expect(s.startedAt).toBe(s.intendedAt);
  });

  it('keeps the timetable when the system is slow (arrivals do not wait for responses)', async () => {
    // Each iteration takes 2 s, far longer than the 100 ms between arrivals.
    const { clock, run, seen } = setup({ stages: constantStage(10, 1000), maxInflight: 100, workMs: 2000 });
    await clock.runAll();
    await run;
    expect(seen.map((s) => s.startedAt - 1000)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(seen.every((s) => s.endedAt! - s.intendedAt === 2000)).toBe(true);
  });

  it('queues arrivals beyond --max-inflight, starts them late and counts them, keeping the intended time', async () => {
    // 10/s for 1 s, at most 2 in flight, 300 ms each: slots free at 400, 500, 700, 800, 1000, 1100, 1300, 1400.
    const { clock, run, seen } = setup({ stages: constantStage(10, 1000), maxInflight: 2, workMs: 300 });
    await clock.runAll();
    const outcome = await run;
    expect(outcome.started).toBe(10);
    const starts = seen.map((s) => s.startedAt - 1000);
    expect(starts).toEqual([100, 200, 400, 500, 700, 800, 1000, 1100, 1300, 1400]);
    const lateness = seen.map((s) => s.startedAt - s.intendedAt);
    expect(lateness).toEqual([0, 0, 100, 100, 200, 200, 300, 300, 400, 400]);
    expect(outcome.late).toBe(8);
    // Arrivals 3–10 found both slots taken.
    expect(outcome.queued).toBe(8);
    expect(seen.filter((s) => s.late)).toHaveLength(8);
    // The intended time is what the iteration sees, so its latency includes the wait.
    expect(seen.at(-1)!.endedAt! - seen.at(-1)!.intendedAt).toBe(700);
  });

  it('counts only starts later than the threshold as late', async () => {
    const { clock, run } = setup({
      stages: constantStage(10, 1000),
      maxInflight: 2,
      workMs: 300,
      lateThresholdMs: 250,
    });
    await clock.runAll();
    expect((await run).late).toBe(4);
  });

  it('stops scheduling when told and skips what is still queued once iterations are aborted', async () => {
    const { clock, run, stop, iterations } = setup({
      stages: constantStage(10, 10_000),
      maxInflight: 1,
      workMs: 1000,
    });
    await clock.runAll(1000 + 2150);
    stop.abort();
    iterations.abort();
    await clock.runAll();
    const outcome = await run;
    // Arrivals at 0.1 … 2.1 s are scheduled; only three of them got a slot (at 0.1, 1.1, 2.1 s).
    expect(outcome.scheduled).toBe(21);
    expect(outcome.started).toBe(3);
    expect(outcome.skipped).toBe(18);
    expect(outcome.completed).toBe(3);
  });

  it('ramps: more arrivals late in a 0→20/s ramp than early', async () => {
    const { clock, run, seen } = setup({ stages: parseStages('4s:20'), maxInflight: 1000, workMs: 10 });
    await clock.runAll();
    await run;
    expect(seen).toHaveLength(40);
    const firstHalf = seen.filter((s) => s.intendedAt - 1000 <= 2000).length;
    expect(firstHalf).toBe(10);
  });
});
