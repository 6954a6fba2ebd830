import type { ProviderModel } from './provider.model';
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
 *
 * With a provider, each job's LLM call takes budget when the job starts. A fleet that shares the
 * budget (`wait`) starts the head job only when the budget has room, so jobs wait in the queue; a
 * fleet whose workers each call on their own (`retry`) takes the job, gets a 429 past the budget
 * and holds the slot until the `retry-after` it was given, then calls again.
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
  readonly provider?: { readonly model: ProviderModel; readonly onLimit: 'wait' | 'retry' };
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
  /**
   * Age of the oldest job whose LLM call has not gone through: waiting, or holding a slot while it
   * waits out a 429. What its user waits; the same as oldestAgeSeconds unless workers retry.
   */
  readonly oldestUnansweredSeconds: number | null;
  /** Average CPU of ready workers over the tick; 0 when none was ready. */
  readonly cpuPercent: number;
  /**
   * Jobs in service on average over the tick (slot-seconds busy). `active` counts the jobs held at
   * the tick's end, which overstates those in service when slots wait for a provider's budget
   * within the tick.
   */
  readonly inService: number;
  /** Jobs arrived since the start, and jobs completed: a policy's arrival and completion counters. */
  readonly arrived: number;
  readonly completed: number;
}

interface Worker {
  readonly readyAt: number;
  retiringSince: number | null;
  /** When the slot's job ends, or, while `refused`, when it calls the provider again. */
  readonly freeAt: Float64Array;
  readonly job: Int32Array;
  /** 1 while the slot's job waits out a 429's retry-after. */
  readonly refused: Uint8Array;
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
    /** LLM calls the provider refused with a 429. */
    readonly rejectedCalls: number;
    /** Per job: how many times it completed (the model throws before this reaches 2). */
    readonly completions: Uint8Array;
    /** Per job: wait of the attempt that completed it, until its LLM call went through. */
    readonly waitSeconds: Float64Array;
  };
}

export function createQueueModel(workload: Workload, options: QueueModelOptions): QueueModel {
  const { concurrency, random } = options;
  const provider = options.provider?.model;
  const retries = options.provider?.onLimit === 'retry';
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

  /** Calls the provider for slot s's job at `at`: it runs, or waits out the 429's retry-after. */
  const call = (w: Worker, s: number, at: number, end: number) => {
    if (provider && retries && !provider.tryCall(at)) {
      w.refused[s] = 1;
      w.freeAt[s] = at + provider.retryAfterSeconds(at);
      return;
    }
    w.refused[s] = 0;
    startAt[w.job[s]!] = at;
    w.freeAt[s] = at + durationSeconds[w.job[s]!]!;
    tickBusySeconds += Math.max(0, Math.min(w.freeAt[s]!, end) - at);
  };

  /** Calls again for a refused job whose retry-after ends before `end`, as often as it takes. */
  const settle = (w: Worker, s: number, end: number) => {
    while (w.refused[s] === 1 && w.freeAt[s]! < end) call(w, s, w.freeAt[s]!, end);
  };

  /** Starts the next waiting job on slot s of w, no earlier than `from`; false when none fits this tick. */
  const startNext = (w: Worker, s: number, from: number, end: number): boolean => {
    settle(w, s, end);
    if (w.refused[s] === 1) return false;
    const fromRequeue = requeued.length > 0;
    if (!fromRequeue && head >= arrived) return false;
    const j = fromRequeue ? requeued[0]! : head;
    let start = Math.max(w.freeAt[s]!, from, fromRequeue ? from : arrivalAt[j]!);
    // A fleet that shares the budget takes a job only when its call fits.
    if (provider && !retries) start = provider.readyAt(start);
    if (start >= end) return false;
    if (provider && !retries) provider.tryCall(start);
    if (fromRequeue) requeued.shift();
    else head++;
    if (w.job[s]! >= 0) complete(w.job[s]!);
    w.job[s] = j;
    startAt[j] = start;
    running++;
    call(w, s, start, end);
    return true;
  };

  /**
   * With a provider, slots take jobs in the order they come free, so each call takes the budget
   * at its own time: slot by slot, a later slot's call would move the budget's clock past an
   * earlier one's and leave that slot idle for nothing.
   */
  const startInTimeOrder = (serving: readonly Worker[], t: number, end: number) => {
    const free: Array<{ w: Worker; s: number; at: number }> = [];
    for (const w of serving)
      for (let s = 0; s < concurrency; s++)
        if (w.freeAt[s]! < end) free.push({ w, s, at: Math.max(t, w.freeAt[s]!) });
    free.sort((a, b) => a.at - b.at);
    for (let i = 0; i < free.length && waiting() > 0; ) {
      const slot = free[i]!;
      if (!startNext(slot.w, slot.s, t, end) || slot.w.freeAt[slot.s]! >= end) {
        i++;
        continue;
      }
      // It frees again within the tick: back in line at its new time.
      slot.at = slot.w.freeAt[slot.s]!;
      let k = i + 1;
      while (k < free.length && free[k]!.at < slot.at) k++;
      free.splice(k, 0, slot);
      i++;
    }
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
        if (w.freeAt[s]! <= t && w.refused[s] === 0) complete(j);
        else {
          requeued.push(j);
          running--;
          interrupted++;
        }
        w.job[s] = -1;
        w.refused[s] = 0;
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
        if (w.job[s]! >= 0 && w.refused[s] === 0 && w.freeAt[s]! > t)
          tickBusySeconds += Math.min(w.freeAt[s]!, end) - t;
      }
      if (w.retiringSince === null) serving.push(w);
    }

    if (provider && waiting() > 0) startInTimeOrder(serving, t, end);
    // Idle slots first, one job each, so a job is not left to a slot that frees up later.
    else if (waiting() > 0) {
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
        if (j >= 0 && retries) settle(w, s, end);
        if (j >= 0 && w.refused[s] === 0 && w.freeAt[s]! <= end) {
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
        refused: new Uint8Array(concurrency),
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
    let unanswered = oldest;
    if (retries)
      for (const w of workers)
        for (let s = 0; s < concurrency; s++)
          if (w.refused[s] === 1) unanswered = Math.min(unanswered, arrivalAt[w.job[s]!]!);
    const age = (since: number) => (Number.isFinite(since) ? Math.max(0, t - since) : null);
    const { idlePercent, perJobPercent } = options.cpu;
    return {
      t,
      desired,
      starting,
      ready: desired - starting,
      waiting: waiting(),
      active: running,
      oldestAgeSeconds: age(oldest),
      oldestUnansweredSeconds: age(unanswered),
      cpuPercent:
        tickReady === 0 ? 0 : Math.min(100, idlePercent + (perJobPercent * tickBusySeconds) / tickReady),
      inService: tickBusySeconds,
      arrived,
      completed,
    };
  };

  return {
    step,
    scaleTo,
    view,
    alive: () => workers.length,
    get stats() {
      return {
        completed,
        interrupted,
        workerSeconds,
        rejectedCalls: provider?.rejected ?? 0,
        completions,
        waitSeconds,
      };
    },
  };
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const k = random.int(i + 1);
    [items[i], items[k]] = [items[k]!, items[i]!];
  }
}
