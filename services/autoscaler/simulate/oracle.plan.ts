import type { Workload } from './workload.model';

/**
 * The oracle: what the fewest worker-seconds could be when the whole trace (every arrival and every
 * job's duration) is known ahead. A minute is within the SLO when no job is seen waiting longer
 * than the SLO at any tick end, so job j must start before `deadline_j = floor(arrival_j + SLO) + 1`.
 *
 * - `greedyReady` replays the trace forward, jobs first come first served and started as soon as a
 *   slot is free (as in the queue model), and gives each tick the fewest ready workers that start
 *   every job due by its end. `planFleet` turns that into the cheapest fleet to ask for: each worker
 *   started a start-up ahead of its need, kept through a gap cheaper to bridge than a restart. The
 *   simulator replays the plan through the same queue model as every policy (oracle.sim.ts).
 * - `lowerBoundWorkerSeconds` is what no schedule at all can beat on the queue model, by two
 *   arguments that hold whatever the schedule (see there).
 */
export interface OraclePlanInput {
  readonly workload: Workload;
  readonly concurrency: number;
  readonly sloSeconds: number;
  readonly startupSeconds: number;
  readonly min: number;
  /** Workers running at t = 0; the first decision takes effect at t = 1. */
  readonly initialWorkers: number;
}

/**
 * Ready workers each tick must have, at least, for every job to meet its deadline: from its deadline
 * until `arrival + duration` a job is running whenever it started (it cannot have finished earlier),
 * so in tick t at least `#{j : deadline_j ≤ t < arrival_j + duration_j}` jobs run, on at least that
 * ÷ concurrency ready workers (serving or draining), and never fewer than min.
 */
export function requiredReady(input: OraclePlanInput): Int32Array {
  const { workload, concurrency, sloSeconds, min } = input;
  const ticks = workload.arrivalsPerTick.length;
  const delta = new Int32Array(ticks + 1);
  for (let j = 0; j < workload.count; j++) {
    const arrival = workload.arrivalAt[j]!;
    const deadline = Math.floor(arrival + sloSeconds) + 1;
    // Only tick ends 1..ticks are sampled: a later deadline binds nothing.
    if (deadline > ticks) continue;
    const end = Math.min(ticks, Math.ceil(arrival + workload.durationSeconds[j]!));
    if (end <= deadline) continue;
    delta[deadline]!++;
    delta[end]!--;
  }
  const ready = new Int32Array(ticks);
  let running = 0;
  for (let t = 0; t < ticks; t++) {
    running += delta[t]!;
    ready[t] = Math.max(min, Math.ceil(running / concurrency));
  }
  return ready;
}

/**
 * The fewest ready workers each tick that start every job before its deadline, found by replaying
 * the trace forward with FIFO starts as early as a slot allows (like the queue model): each tick
 * gets the smallest fleet whose free slots start every job due by the tick's end. Extra slots take
 * later jobs early, as the queue model's would.
 */
export function greedyReady(input: OraclePlanInput): Int32Array {
  const { workload, concurrency, sloSeconds, min, initialWorkers } = input;
  const { arrivalAt, durationSeconds, count } = workload;
  const ticks = workload.arrivalsPerTick.length;
  const ready = new Int32Array(ticks);
  // Running jobs by the tick they end in, so each tick sees the slots that free up within it.
  const endingIn: number[][] = [];
  const bucket = (at: number) => {
    const k = Math.floor(at);
    const list = endingIn[k] ?? [];
    endingIn[k] = list;
    return list;
  };
  let running = 0;
  let head = 0;
  let arrived = 0;
  const free: number[] = [];

  /** Starts jobs from the queue head on `idle` slots free at t plus those freeing in the tick; returns how many. */
  const startJobs = (t: number, idle: number, freeing: readonly number[], limit: number, commit: boolean) => {
    free.length = 0;
    for (let i = 0; i < idle; i++) free.push(t);
    for (const at of freeing) free.push(at);
    let next = 0;
    let started = 0;
    for (let j = head; j < arrived && started < limit; j++) {
      if (next >= free.length) break;
      const start = Math.max(free[next]!, arrivalAt[j]!);
      if (start >= t + 1) break;
      next++;
      started++;
      const end = start + durationSeconds[j]!;
      if (end < t + 1) free.splice(sortedIndex(free, end, next), 0, end);
      if (commit) {
        if (end >= t + 1) {
          bucket(end).push(end);
          running++;
        }
      }
    }
    return started;
  };

  for (let t = 0; t < ticks; t++) {
    while (arrived < count && arrivalAt[arrived]! < t + 1) arrived++;
    const freeing = (endingIn[t] ?? []).sort((a, b) => a - b);
    endingIn[t] = [];
    running -= freeing.length;
    // Every job whose deadline is this tick's end must start in it (later deadlines bind nothing).
    let due = 0;
    while (
      head + due < arrived &&
      Math.floor(arrivalAt[head + due]! + sloSeconds) <= t &&
      Math.floor(arrivalAt[head + due]! + sloSeconds) + 1 <= ticks
    )
      due++;
    const busy = running + freeing.length;
    let workers = Math.max(min, Math.ceil(busy / concurrency), t === 0 ? initialWorkers : 0);
    while (startJobs(t, workers * concurrency - busy, freeing, due, false) < due) workers++;
    ready[t] = workers;
    head += startJobs(t, workers * concurrency - busy, freeing, Number.POSITIVE_INFINITY, true);
  }
  return ready;
}

/** Where `value` goes in the ascending `sorted` from index `from` on. */
function sortedIndex(sorted: readonly number[], value: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface FleetPlan {
  /** Workers serving or starting in each tick: what a controller asks for. */
  readonly desired: Int32Array;
  /**
   * Worker-seconds of that fleet if no worker had to drain. In the queue model a retired worker is
   * paid for the tick it retires in, like every started one is for its start-up.
   */
  readonly workerSeconds: number;
}

/**
 * The cheapest fleet whose ready workers cover `ready`, where a worker that becomes ready after
 * t = 0 is paid for `startupSeconds` first and one that retires for the tick it leaves in. A gap in
 * a worker's need that costs less to bridge than a restart (or up to `bridgeSeconds`) is bridged by
 * keeping the worker; a longer one stops and restarts it.
 */
export function planFleet(
  ready: Int32Array,
  input: Pick<OraclePlanInput, 'startupSeconds' | 'initialWorkers'>,
  bridgeSeconds = 0,
): FleetPlan {
  const ticks = ready.length;
  const startup = input.startupSeconds;
  const bridge = Math.max(startup + 1, bridgeSeconds);
  // Workers already running are paid for tick 0 whatever happens: the first decision acts at t = 1.
  const need = Int32Array.from(ready);
  if (ticks > 0) need[0] = Math.max(need[0]!, input.initialWorkers);
  const levels = need.reduce((a, b) => Math.max(a, b), 0);
  const desired = new Int32Array(ticks);
  let workerSeconds = 0;
  const cover = (from: number, to: number) => {
    for (let t = Math.max(0, from); t < Math.min(ticks, to); t++) desired[t]!++;
  };

  for (let k = 1; k <= levels; k++) {
    // Worker k is needed in runs of ticks; it is on from `on` to `lastEnd` (exclusive), or off.
    let on = -1;
    let lastEnd = 0;
    const close = () => {
      cover(on, lastEnd);
      workerSeconds += lastEnd - on + (lastEnd < ticks ? 1 : 0);
    };
    let runStart = -1;
    for (let t = 0; t <= ticks; t++) {
      const needed = t < ticks && need[t]! >= k;
      if (needed && runStart < 0) runStart = t;
      if (needed || runStart < 0) continue;
      // A run [runStart, t): bridge the gap since the last one, or start the worker again ahead of it.
      if (on < 0 || runStart - lastEnd > bridge) {
        if (on >= 0) close();
        on = Math.max(0, runStart - startup);
      }
      lastEnd = t;
      runStart = -1;
    }
    if (on >= 0) close();
  }
  return { desired, workerSeconds };
}

/** Short window lengths, in ticks, the energy bound tries at every start. */
const SHORT_WINDOWS = [2, 4, 8, 16, 32, 64] as const;
/** From this length on, no job spans a whole window, and every length is tried. */
const LONG_WINDOW = 128;

/**
 * The lower bound in worker-seconds, the larger of two:
 *
 * - the cheapest fleet covering `requiredReady` tick by tick, start-ups included (`planFleet`);
 * - the work that must fall inside windows of the trace: a job runs somewhere between starting at
 *   its arrival and starting at its deadline, so at least the smaller of those two placements'
 *   overlap with a window is work inside it, and the window's ready worker-seconds are at least
 *   that work ÷ concurrency, rounded up. The best set of disjoint windows (or single ticks, with the
 *   tick bound above) is found by dynamic programming over the trace. Every worker the ticks need
 *   beyond those running at the start adds its start-up.
 */
export function lowerBoundWorkerSeconds(input: OraclePlanInput): number {
  const perTick = requiredReady(input);
  const byTicks = planFleet(perTick, input).workerSeconds;
  const { workload, concurrency, sloSeconds, min, startupSeconds, initialWorkers } = input;
  const ticks = perTick.length;
  if (ticks === 0) return 0;
  const tickBound = Int32Array.from(perTick);
  tickBound[0] = Math.max(tickBound[0]!, initialWorkers);

  // shortEnergy[w][x]: work that must fall inside [x, x + SHORT_WINDOWS[w]).
  const shortEnergy = SHORT_WINDOWS.map(() => new Float64Array(ticks));
  // For long windows: work done before z when every job starts at its arrival (early) or at its
  // deadline (late), as sums of ramps max(0, z - c) over the jobs' start and end points c.
  const ramps = ['earlyStart', 'earlyEnd', 'lateStart', 'lateEnd'].map(() => ({
    count: new Float64Array(ticks + 1),
    sum: new Float64Array(ticks + 1),
  }));
  const addRamp = (r: number, c: number) => {
    if (c >= ticks) return;
    const k = Math.max(0, Math.floor(c));
    ramps[r]!.count[k]!++;
    ramps[r]!.sum[k]! += c;
  };
  for (let j = 0; j < workload.count; j++) {
    const early = workload.arrivalAt[j]!;
    const late = Math.floor(early + sloSeconds) + 1;
    // A job whose deadline is past the trace's end may run after it: no work of it is certain.
    if (late > ticks) continue;
    const duration = workload.durationSeconds[j]!;
    addRamp(0, early);
    addRamp(1, early + duration);
    addRamp(2, late);
    addRamp(3, late + duration);
    SHORT_WINDOWS.forEach((length, w) => {
      const row = shortEnergy[w]!;
      const first = Math.max(0, Math.floor(early - length) + 1);
      const last = Math.min(ticks - length, Math.floor(late + duration));
      for (let x = first; x <= last; x++) {
        const inEarly = overlap(early, early + duration, x, x + length);
        const inLate = overlap(late, late + duration, x, x + length);
        row[x]! += Math.min(inEarly, inLate);
      }
    });
  }
  const rampAt = ramps.map(({ count, sum }) => {
    const value = new Float64Array(ticks + 1);
    let n = 0;
    let total = 0;
    for (let z = 0; z <= ticks; z++) {
      value[z] = z * n - total;
      n += count[z]!;
      total += sum[z]!;
    }
    return value;
  });
  const earlyDone = (z: number) => rampAt[0]![z]! - rampAt[1]![z]!;
  const lateDone = (z: number) => rampAt[2]![z]! - rampAt[3]![z]!;

  const best = new Float64Array(ticks + 1);
  for (let y = 1; y <= ticks; y++) {
    let value = best[y - 1]! + tickBound[y - 1]!;
    SHORT_WINDOWS.forEach((length, w) => {
      if (y < length) return;
      const window = Math.max(min * length, Math.ceil(shortEnergy[w]![y - length]! / concurrency));
      value = Math.max(value, best[y - length]! + window);
    });
    // A window longer than any job's span holds all work that is late-done by its end and not
    // early-done by its start.
    const doneByEnd = lateDone(y);
    for (let x = y - LONG_WINDOW; x >= 0; x--) {
      const window = Math.max(min * (y - x), Math.ceil((doneByEnd - earlyDone(x)) / concurrency));
      value = Math.max(value, best[x]! + window);
    }
    best[y] = value;
  }
  let starts = 0;
  const peak = tickBound.reduce((a, b) => Math.max(a, b), 0);
  for (let k = initialWorkers + 1; k <= peak; k++) {
    const firstNeed = tickBound.findIndex((n) => n >= k);
    starts += Math.min(startupSeconds, firstNeed);
  }
  return Math.max(byTicks, best[ticks]! + starts);
}

function overlap(from: number, to: number, windowFrom: number, windowTo: number): number {
  return Math.max(0, Math.min(to, windowTo) - Math.max(from, windowFrom));
}
