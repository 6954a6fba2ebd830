import type { Clock } from './clock';
import type { Iterate, IterationContext, SchedulerHooks, SchedulerOutcome } from './iteration.types';

export interface ClosedSchedulerDeps {
  readonly clock: Clock;
  readonly vus: number;
  /** Virtual users started per second until all `vus` run. */
  readonly spawnRate: number;
  readonly durationMs: number;
  readonly iterate: Iterate;
  /** No new iteration starts once this is aborted. */
  readonly stopScheduling: AbortSignal;
  readonly iterationSignal: AbortSignal;
  readonly hooks?: SchedulerHooks;
}

/**
 * Closed model: a fixed population of virtual users, each starting its next iteration when the
 * previous one ends. The rate is whatever the system allows, so latencies count from the actual
 * start (a slow system slows the users down, the classic coordinated-omission trade-off).
 */
export async function runClosedModel(deps: ClosedSchedulerDeps): Promise<SchedulerOutcome> {
  const { clock, hooks } = deps;
  const t0 = clock.now();
  const endAt = t0 + deps.durationMs;
  let started = 0;
  let completed = 0;
  let failed = 0;

  const user = async (vu: number) => {
    const spawnAt = t0 + (vu / deps.spawnRate) * 1000;
    try {
      await clock.sleepUntil(spawnAt, deps.stopScheduling);
    } catch {
      return;
    }
    while (!deps.stopScheduling.aborted && clock.now() < endAt) {
      const intendedAt = clock.now();
      const ctx: IterationContext = { intendedAt, index: vu, signal: deps.iterationSignal };
      started++;
      hooks?.onStart?.(ctx, intendedAt, false);
      const ok = await deps.iterate(ctx).catch(() => false);
      completed++;
      if (!ok) failed++;
      hooks?.onEnd?.(ctx, clock.now(), ok);
      if (deps.iterationSignal.aborted) return;
      // An iteration that fails instantly must not spin the event loop.
      if (!ok) await clock.yieldNow();
    }
  };

  await Promise.all(Array.from({ length: deps.vus }, (_, vu) => user(vu)));
  return { scheduled: started, started, completed, failed, late: 0, queued: 0, skipped: 0 };
}
