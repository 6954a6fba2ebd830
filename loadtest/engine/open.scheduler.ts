import type { Clock } from './clock';
import type { Iterate, IterationContext, SchedulerHooks, SchedulerOutcome } from './iteration.types';
import { intendedOffsets, type Stage } from './stages.parse';

export interface OpenSchedulerDeps {
  readonly clock: Clock;
  readonly stages: readonly Stage[];
  /** Iterations allowed in flight at once; the rest queue and start late. */
  readonly maxInflight: number;
  /** An iteration that starts more than this after its intended time counts as late. */
  readonly lateThresholdMs: number;
  readonly iterate: Iterate;
  /** Stops scheduling when aborted; what is queued is skipped. */
  readonly stopScheduling: AbortSignal;
  /** Passed on to iterations: aborting it ends the in-flight ones. */
  readonly iterationSignal: AbortSignal;
  readonly hooks?: SchedulerHooks;
}

// Long bursts of due iterations yield now and then so responses can still be read.
const YIELD_EVERY = 256;

/**
 * Open model: iterations arrive on the profile's timetable whatever the system does. When the
 * in-flight cap is reached, arrivals wait in a FIFO and start late; their latency still counts from
 * the intended time, so a struggling system shows up in the percentiles instead of hiding.
 */
export async function runOpenModel(deps: OpenSchedulerDeps): Promise<SchedulerOutcome> {
  const { clock, maxInflight, lateThresholdMs, iterate, hooks } = deps;
  const t0 = clock.now();
  const queue: number[] = [];
  let head = 0;
  let inflight = 0;
  let scheduled = 0;
  let started = 0;
  let completed = 0;
  let failed = 0;
  let late = 0;
  let queued = 0;
  let drained: (() => void) | undefined;

  const launch = (intendedAt: number) => {
    const startedAt = clock.now();
    const isLate = startedAt - intendedAt > lateThresholdMs;
    if (isLate) late++;
    const ctx: IterationContext = { intendedAt, index: started, signal: deps.iterationSignal };
    started++;
    inflight++;
    hooks?.onStart?.(ctx, startedAt, isLate);
    void iterate(ctx).then(
      (ok) => finish(ctx, ok),
      () => finish(ctx, false),
    );
  };

  const finish = (ctx: IterationContext, ok: boolean) => {
    inflight--;
    completed++;
    if (!ok) failed++;
    hooks?.onEnd?.(ctx, clock.now(), ok);
    pump();
    if (inflight === 0 && (head === queue.length || deps.iterationSignal.aborted)) drained?.();
  };

  const pump = () => {
    if (deps.iterationSignal.aborted) return;
    while (inflight < maxInflight && head < queue.length) launch(queue[head++]!);
    if (head > 4096 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  let sinceYield = 0;
  for (const offset of intendedOffsets(deps.stages)) {
    const at = t0 + offset;
    if (at > clock.now()) {
      sinceYield = 0;
      try {
        await clock.sleepUntil(at, deps.stopScheduling);
      } catch {
        break;
      }
    } else if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await clock.yieldNow();
    }
    if (deps.stopScheduling.aborted) break;
    scheduled++;
    if (inflight >= maxInflight) queued++;
    queue.push(at);
    pump();
  }

  // The timetable is done: queued and in-flight iterations finish. Once the run is cut short the
  // queue is dropped and only the in-flight ones (which watch the signal) are waited for.
  const idle = () => inflight === 0 && (head === queue.length || deps.iterationSignal.aborted);
  if (!idle()) {
    await new Promise<void>((resolve) => {
      drained = resolve;
      deps.iterationSignal.addEventListener('abort', () => idle() && resolve(), { once: true });
    });
  }
  const skipped = queue.length - head;
  return { scheduled, started, completed, failed, late, queued, skipped };
}
