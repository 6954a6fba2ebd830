import { type JobTimeModel, type Random, sampleJobSeconds } from './random.model';

/** Every job a trace brings: when it arrives and how long it runs. Shared by all policies. */
export interface Workload {
  readonly count: number;
  /** Seconds since the start, non-decreasing; a second's arrivals are spread evenly across it. */
  readonly arrivalAt: Float64Array;
  readonly durationSeconds: Float64Array;
  /** Arrivals per 1 s tick, as in the trace. */
  readonly arrivalsPerTick: Int32Array;
}

export function buildWorkload(
  arrivalsPerTick: ArrayLike<number>,
  jobTime: JobTimeModel,
  random: Random,
): Workload {
  const ticks = Int32Array.from(arrivalsPerTick);
  const count = ticks.reduce((sum, n) => sum + n, 0);
  const arrivalAt = new Float64Array(count);
  const durationSeconds = new Float64Array(count);
  let j = 0;
  for (let t = 0; t < ticks.length; t++) {
    const n = ticks[t]!;
    for (let i = 0; i < n; i++) {
      arrivalAt[j] = t + (i + 0.5) / n;
      durationSeconds[j] = sampleJobSeconds(jobTime, random);
      j++;
    }
  }
  return { count, arrivalAt, durationSeconds, arrivalsPerTick: ticks };
}

/** Jobs at exact times with exact durations, over `ticks` seconds: hand-made workloads for tests. */
export function jobsAt(
  jobs: ReadonlyArray<readonly [arrival: number, duration: number]>,
  ticks: number,
): Workload {
  const arrivalsPerTick = new Int32Array(ticks);
  for (const [at] of jobs) arrivalsPerTick[Math.floor(at)]!++;
  return {
    count: jobs.length,
    arrivalAt: Float64Array.from(jobs.map(([at]) => at)),
    durationSeconds: Float64Array.from(jobs.map(([, d]) => d)),
    arrivalsPerTick,
  };
}
