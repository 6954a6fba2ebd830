import type { Random } from './random.model';
import type { Workload } from './workload.model';

/**
 * A discrete-time model of one queue and its worker fleet, in 1 s ticks. Inside a tick, job starts
 * and ends are continuous (a slot that frees at t + 0.3 starts the next job at t + 0.3), so a 3 s
 * job is not rounded up to whole seconds; the fleet changes size only between ticks.
 *
 * Workers start (paid for, not yet taking jobs) for `startupSeconds`, then serve `concurrency`
 * jobs at once. A retiring worker takes no new jobs and leaves when its jobs are done; after
 * `stopGraceSeconds` whatever it still runs is killed and goes back to the head of the queue with
 * its original arrival time (a BullMQ stalled job, an SQS message whose visibility expires).
 */
export interface QueueModelOptions {
  readonly concurrency: number;
  readonly startupSeconds: number;
  readonly stopGraceSeconds: number;
  /** Who retires on a scale-in: the least busy worker (Aira's autoscaler) or any (Kubernetes, ECS). */
  readonly retire: 'least-busy' | 'random';
  readonly random: Random;
  /** CPU of a ready worker: idle share plus a share per running job, capped at 100 %. */
  readonly cpu: { readonly idlePercent: number; readonly perJobPercent: number };
}

/** What a scaling policy can see at the end of a tick. */
export interface FleetView {
  /** Seconds since the start (the end of the tick just run). */
  readonly t: number;
  /** Workers serving or starting, not retiring: the fleet's desired count. */
  readonly desired: number;
  readonly starting: number;
  readonly ready: number;
  readonly waiting: number;
  readonly active: number;
  /** Age of the oldest waiting job; null when nothing waits. */
  readonly oldestAgeSeconds: number | null;
  /** Average CPU of ready workers over the tick; 0 when none was ready. */
  readonly cpuPercent: number;
}

interface Worker {
  readonly readyAt: number;
  retiringSince: number | null;
  readonly freeAt: Float64Array;
  readonly job: Int32Array;
}

export interface QueueModel {
  /** Runs tick [t, t + 1): arrivals, kills past grace, job starts and completions. */
  step(t: number): void;
  /** Sets the desired fleet size, effective from time t (the start of the next tick). */
  scaleTo(desired: number, t: number, options?: { readonly alreadyRunning?: boolean }): void;
  view(t: number): FleetView;
  /** Workers alive (starting, serving or retiring). */
  alive(): number;
  readonly stats: {
    readonly completed: number;
    readonly interrupted: number;
    readonly workerSeconds: number;
    /** Per job: how many times it completed (the model throws before this reaches 2). */
    readonly completions: Uint8Array;
    /** Per job: queue wait of the attempt that completed it. */
    readonly waitSeconds: Float64Array;
  };
}

export function createQueueModel(workload: Workload, options: QueueModelOptions): QueueModel {
  const { concurrency, random } = options;
  const { arrivalAt, durationSeconds } = workload;
  const completions = new Uint8Array(workload.count);
  const waitSeconds = new Float64Array(workload.count);
  const startAt = new Float64Array(workload.count);
  let workers: Worker[] = [];
  let arrived = 0;
  let head = 0;
  const requeued: number[] = [];
  let completed = 0;
  let interrupted = 0;
  let workerSeconds = 0;
  let running = 0;
  let tickBusySeconds = 0;
  let tickReady = 0;

  const waiting = () => requeued.length + (arrived - head);

  const complete = (j: number) => {
    if (completions[j] !== 0) throw new Error(`job ${j} completed twice`);
    completions[j] = 1;
    waitSeconds[j] = startAt[j]! - arrivalAt[j]!;
    completed++;
    running--;
  };

  /** Starts the next waiting job on slot s of w, no earlier than `from`; false when none fits this tick. */
  const startNext = (w: Worker, s: number, from: number, end: number): boolean => {
    const fromRequeue = requeued.length > 0;
    if (!fromRequeue && head >= arrived) return false;
    const j = fromRequeue ? requeued[0]! : head;
    const start = Math.max(w.freeAt[s]!, from, fromRequeue ? from : arrivalAt[j]!);
    if (start >= end) return false;
    if (fromRequeue) requeued.shift();
    else head++;
    if (w.job[s]! >= 0) complete(w.job[s]!);
    w.job[s] = j;
    startAt[j] = start;
    w.freeAt[s] = start + durationSeconds[j]!;
    tickBusySeconds += Math.min(w.freeAt[s]!, end) - start;
    running++;
    return true;
  };

  const step = (t: number) => {
    const end = t + 1;
    while (arrived < workload.count && arrivalAt[arrived]! < end) arrived++;
    workerSeconds += workers.length;

    // Kill what retiring workers still run past their grace: back to the head of the queue.
    for (const w of workers) {
      if (w.retiringSince === null || t < w.retiringSince + options.stopGraceSeconds) continue;
      for (let s = 0; s < concurrency; s++) {
        const j = w.job[s]!;
        if (j < 0) continue;
        if (w.freeAt[s]! <= t) complete(j);
        else {
          requeued.push(j);
          running--;
          interrupted++;
        }
        w.job[s] = -1;
      }
    }
    const retiring = workers.some((w) => w.retiringSince !== null);
    if (retiring) {
      workers = workers.filter(
        (w) => w.retiringSince === null || t < w.retiringSince + options.stopGraceSeconds,
      );
    }

    tickBusySeconds = 0;
    tickReady = 0;
    const serving: Worker[] = [];
    for (const w of workers) {
      if (w.readyAt > t) continue;
      tickReady++;
      for (let s = 0; s < concurrency; s++) {
        if (w.job[s]! >= 0 && w.freeAt[s]! > t) tickBusySeconds += Math.min(w.freeAt[s]!, end) - t;
      }
      if (w.retiringSince === null) serving.push(w);
    }

    // Idle slots first, one job each, so a job is not left to a slot that frees up later.
    if (waiting() > 0) {
      for (const w of serving) {
        for (let s = 0; s < concurrency && waiting() > 0; s++) {
          if (w.freeAt[s]! <= t) startNext(w, s, t, end);
        }
      }
      for (const w of serving) {
        for (let s = 0; s < concurrency && waiting() > 0; s++) {
          let more = true;
          while (more && w.freeAt[s]! < end) more = startNext(w, s, t, end);
        }
      }
    }

    for (const w of workers) {
      for (let s = 0; s < concurrency; s++) {
        const j = w.job[s]!;
        if (j >= 0 && w.freeAt[s]! <= end) {
          complete(j);
          w.job[s] = -1;
        }
      }
    }
    if (retiring) workers = workers.filter((w) => w.retiringSince === null || w.job.some((j) => j >= 0));
  };

  const busy = (w: Worker) => w.job.reduce((n, j) => n + (j >= 0 ? 1 : 0), 0);

  const scaleTo: QueueModel['scaleTo'] = (desired, t, how) => {
    let servingCount = 0;
    for (const w of workers) if (w.retiringSince === null) servingCount++;
    if (servingCount === desired) return;
    const serving = workers.filter((w) => w.retiringSince === null);
    for (let n = serving.length; n < desired; n++) {
      workers.push({
        readyAt: how?.alreadyRunning ? t : t + options.startupSeconds,
        retiringSince: null,
        freeAt: new Float64Array(concurrency).fill(Number.NEGATIVE_INFINITY),
        job: new Int32Array(concurrency).fill(-1),
      });
    }
    let excess = serving.length - desired;
    if (excess <= 0) return;
    // A start not yet finished is cancelled first, newest first: nothing runs there.
    const starting = serving.filter((w) => w.readyAt > t).sort((a, b) => b.readyAt - a.readyAt);
    const cancelled = new Set(starting.slice(0, excess));
    excess -= cancelled.size;
    const ready = serving.filter((w) => w.readyAt <= t);
    if (options.retire === 'least-busy') ready.sort((a, b) => busy(a) - busy(b) || b.readyAt - a.readyAt);
    else shuffle(ready, random);
    for (const w of ready.slice(0, excess)) w.retiringSince = t;
    workers = workers.filter((w) => !cancelled.has(w));
  };

  const view = (t: number): FleetView => {
    let desired = 0;
    let starting = 0;
    for (const w of workers) {
      if (w.retiringSince !== null) continue;
      desired++;
      if (w.readyAt > t) starting++;
    }
    let oldest = head < arrived ? arrivalAt[head]! : Number.POSITIVE_INFINITY;
    for (const j of requeued) oldest = Math.min(oldest, arrivalAt[j]!);
    const { idlePercent, perJobPercent } = options.cpu;
    return {
      t,
      desired,
      starting,
      ready: desired - starting,
      waiting: waiting(),
      active: running,
      oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, t - oldest) : null,
      cpuPercent:
        tickReady === 0 ? 0 : Math.min(100, idlePercent + (perJobPercent * tickBusySeconds) / tickReady),
    };
  };

  return {
    step,
    scaleTo,
    view,
    alive: () => workers.length,
    get stats() {
      return { completed, interrupted, workerSeconds, completions, waitSeconds };
    },
  };
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const k = random.int(i + 1);
    [items[i], items[k]] = [items[k]!, items[i]!];
  }
}
