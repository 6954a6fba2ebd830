import type { ProviderBudget } from '../../../shared/scaling/policy';
import type { Controller } from './controller.types';
import { createProviderModel } from './provider.model';
import { createQueueModel, type QueueModelOptions } from './queue.model';
import type { Workload } from './workload.model';

export interface RunOptions {
  readonly workload: Workload;
  readonly controller: Controller;
  readonly model: Omit<QueueModelOptions, 'stopGraceSeconds' | 'retire' | 'provider'>;
  /** The LLM provider's budget, when it limits the fleet. */
  readonly provider?: ProviderBudget;
  readonly initialWorkers: number;
  readonly sloSeconds: number;
  /** After the trace ends, keep running without arrivals until the queue is empty, at most this long. */
  readonly drainLimitSeconds: number;
}

/** Per-tick series over the trace window, for charts. */
export interface RunSeries {
  readonly ageSeconds: Float32Array;
  readonly workers: Float32Array;
  readonly waiting: Float32Array;
}

export interface RunSummary {
  readonly policy: string;
  readonly arrivals: number;
  /** Share of the trace's minutes whose highest sampled queue age stayed within the SLO. */
  readonly minutesWithinSlo: number;
  /** Wait of the attempt that completed each job, until its LLM call went through. */
  readonly p50WaitSeconds: number;
  readonly p99WaitSeconds: number;
  /** Over the trace and the drain after it, like the waits. */
  readonly maxAgeSeconds: number;
  /** Worker-seconds paid for during the trace window (starting, serving and retiring workers). */
  readonly workerSeconds: number;
  /** Completed within the trace window. */
  readonly completed: number;
  /** Completed by the end of the drain after the trace. */
  readonly completedAfterDrain: number;
  /** Running jobs killed by a scale-in and run again. */
  readonly interrupted: number;
  /** LLM calls refused with a 429 within the trace window (only with a provider budget). */
  readonly rejectedCalls: number;
  readonly peakWorkers: number;
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly series: RunSeries;
  /** Per job completions, for conservation checks. */
  readonly completions: Uint8Array;
}

export function runSimulation(options: RunOptions): RunResult {
  const { workload, controller, sloSeconds } = options;
  const model = createQueueModel(workload, {
    ...options.model,
    stopGraceSeconds: controller.stopGraceSeconds,
    retire: controller.retire,
    ...(options.provider && {
      provider: {
        model: createProviderModel(options.provider),
        onLimit: controller.sharesProviderBudget ? 'wait' : 'retry',
      },
    }),
  });
  const ticks = workload.arrivalsPerTick.length;
  const series: RunSeries = {
    ageSeconds: new Float32Array(ticks),
    workers: new Float32Array(ticks),
    waiting: new Float32Array(ticks),
  };
  // The fleet was running before the trace starts.
  model.scaleTo(options.initialWorkers, 0, { alreadyRunning: true });

  let minuteMax = 0;
  let minutesOk = 0;
  let minutes = 0;
  let maxAge = 0;
  let peakWorkers = 0;
  let completedInWindow = 0;
  let workerSecondsInWindow = 0;
  let rejectedInWindow = 0;

  for (let t = 0; t < ticks + options.drainLimitSeconds; t++) {
    const inWindow = t < ticks;
    if (!inWindow) {
      const idle = model.view(t);
      if (idle.waiting === 0 && idle.active === 0) break;
    }
    const alive = model.alive();
    model.step(t);
    const view = model.view(t + 1);
    // What users wait: with workers that retry 429s, a job can wait in a slot as well as in the queue.
    const age = view.oldestUnansweredSeconds ?? 0;
    maxAge = Math.max(maxAge, age);
    if (inWindow) {
      series.ageSeconds[t] = age;
      series.workers[t] = alive;
      series.waiting[t] = view.waiting;
      peakWorkers = Math.max(peakWorkers, alive);
      minuteMax = Math.max(minuteMax, age);
      if ((t + 1) % 60 === 0 || t + 1 === ticks) {
        minutes++;
        if (minuteMax <= sloSeconds) minutesOk++;
        minuteMax = 0;
      }
      completedInWindow = model.stats.completed;
      workerSecondsInWindow = model.stats.workerSeconds;
      rejectedInWindow = model.stats.rejectedCalls;
    }
    model.scaleTo(controller.next(view), t + 1);
  }

  const { stats } = model;
  const waits = new Float64Array(stats.completed);
  for (let j = 0, k = 0; j < workload.count; j++)
    if (stats.completions[j] === 1) waits[k++] = stats.waitSeconds[j]!;
  waits.sort();
  return {
    summary: {
      policy: controller.name,
      arrivals: workload.count,
      minutesWithinSlo: minutes === 0 ? 1 : minutesOk / minutes,
      p50WaitSeconds: quantile(waits, 0.5),
      p99WaitSeconds: quantile(waits, 0.99),
      maxAgeSeconds: maxAge,
      workerSeconds: workerSecondsInWindow,
      completed: completedInWindow,
      completedAfterDrain: stats.completed,
      interrupted: stats.interrupted,
      rejectedCalls: rejectedInWindow,
      peakWorkers,
    },
    series,
    completions: stats.completions,
  };
}

/** Nearest-rank quantile of sorted values; 0 when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
