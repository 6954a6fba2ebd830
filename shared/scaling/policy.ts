import type { FleetScaling } from './fleets.config';
import {
  arrivalTrend,
  budgetRate,
  budgetSpent,
  type FlowPoint,
  flowWant,
  type ProviderBudget,
  positive,
  providerCap,
  recentFlow,
  serviceSeconds,
  TREND_SECONDS,
  validBudget,
} from './policy.flow';

export type { ProviderBudget } from './policy.flow';

/**
 * Aira's scaling policy, one pure function: the local autoscaler enforces it, the simulator replays
 * traffic through it, and the CDK app (infra/lib/scaling.ts) turns the same numbers into AWS policies.
 *
 * 1. From backlog: `ceil(backlog / targetBacklogPerWorker)`.
 * 2. From age: when the oldest waiting job is older than the SLO, the fleet is behind whatever the
 *    backlog says, so it wants `max(current + 1, min(ceil(current × age / SLO), ceil(backlog / concurrency)))`:
 *    at least one more worker, proportionally more the further past the SLO, but never more than it
 *    takes to give every queued job a slot of its own (beyond that, workers would sit idle). While
 *    workers are still starting the age rule waits for them: the age keeps growing until they take
 *    jobs, and acting on it again would compound into an overshoot.
 * 3. From the flow (when arrival and completion rates are known): Little's law, jobs in service =
 *    arrival rate × service time, with the service time itself measured the same way (jobs in
 *    service ÷ completion rate). The rate is taken a start-up and a poll interval ahead at the
 *    trend of the last minute when it rises, so workers are asked for before the age SLO is
 *    crossed; √ of the busy slots is added for the randomness of arrivals and job times.
 *    `rawDesired = max(backlog, age, flow)`.
 * 4. The provider cap: with the LLM provider's budget known, never more workers than the budget
 *    keeps busy, `ceil(budget jobs/s × service time / concurrency)`: more would only collect 429s
 *    (or, sharing the budget, wait for it). While calls wait for the budget it is spent as fast as
 *    it comes back, so no more workers than now (at least 1), whatever the service time says.
 * 5. Up is fast: no window, at most +100 % or +maxStepUp per decision, whichever is larger.
 * 6. Down is slow: only when every decision in the last scaleDownWindowSeconds (and the window is
 *    fully observed) wanted fewer workers than now, never below what any of them wanted, and at
 *    most maxStepDown per decision.
 * 7. A failed metric read holds the current count: no data is not the same as no work.
 * 8. min and max are hard bounds, applied last. A single queued job wakes a fleet with min 0.
 */

/** What the autoscaler saw for one fleet. */
export interface ScalingInput {
  /** BullMQ waiting + prioritized + active; SQS visible + in-flight. Undefined when the read failed. */
  readonly backlog: number | undefined;
  /** Age of the oldest waiting job in seconds; null when nothing waits. Undefined when the read failed. */
  readonly oldestAgeSeconds: number | null | undefined;
  /** Workers running or starting; retiring ones are not counted. */
  readonly currentWorkers: number;
  /** Of currentWorkers, those started but not yet taking jobs. */
  readonly startingWorkers?: number;
  /** Decision time, epoch milliseconds. */
  readonly now: number;
  /** Set when reading the queue failed; the policy then holds. */
  readonly metricError?: string;
  /** Jobs being worked on now (BullMQ active, SQS in flight); with completionsPerSecond, the service time. */
  readonly active?: number;
  /** Jobs added to the queue per second, lately; the flow rule needs it. */
  readonly arrivalsPerSecond?: number;
  /** Jobs that left the queue done (or failed for good) per second, lately. */
  readonly completionsPerSecond?: number;
  /** How long a worker asked for now takes before it takes jobs; the flow rule looks that far ahead. */
  readonly startupSeconds?: number;
  /** The LLM provider's budget the fleet shares; absent when it does not limit the fleet. */
  readonly provider?: ProviderBudget;
}

export type ClampKind = 'min' | 'max' | 'stepUp' | 'stepDown' | 'window' | 'hold-on-error';

/** One limit that changed the count on its way from rawDesired to desired. */
export interface Clamp {
  readonly kind: ClampKind;
  readonly from: number;
  readonly to: number;
}

export type Direction = 'up' | 'down' | 'hold';

export interface Decision {
  /** Epoch milliseconds of the decision (the input's `now`). */
  readonly at: number;
  readonly current: number;
  /** What backlog and age asked for before any limit; equals current when the read failed. */
  readonly rawDesired: number;
  readonly desired: number;
  readonly direction: Direction;
  /** One sentence an operator can read: what was seen, what it asked for, what limited it. */
  readonly reason: string;
  readonly clamps: readonly Clamp[];
  readonly metricFailed: boolean;
  /** The flow it saw, for the trend and the service time of later decisions. */
  readonly flow?: FlowPoint;
}

/** Decisions the policy has made for the fleet, oldest first (see `rememberDecision`). */
export type ScalingHistory = readonly Decision[];

const formatSeconds = (s: number): string => `${Number(s.toFixed(1))} s`;

const workers = (n: number): string => `${n} worker${n === 1 ? '' : 's'}`;

function validCount(n: number | undefined): n is number {
  return n !== undefined && Number.isFinite(n) && n >= 0;
}

interface Want {
  readonly raw: number;
  readonly parts: readonly string[];
}

function want(
  input: ScalingInput & { readonly backlog: number },
  flow: FlowPoint | undefined,
  current: number,
  config: FleetScaling,
  history: ScalingHistory,
): Want {
  const { backlog } = input;
  const starting = Math.max(0, Math.min(current, input.startingWorkers ?? 0));
  const age = input.oldestAgeSeconds ?? null;
  const fromBacklog = Math.ceil(backlog / config.targetBacklogPerWorker);
  const parts = [`backlog ${backlog} at ${config.targetBacklogPerWorker} per worker wants ${fromBacklog}`];
  let raw = fromBacklog;

  // An age with nothing queued is a stale reading (CloudWatch lags the queue), not a reason to grow.
  if (age !== null && age > config.queueAgeSloSeconds && backlog > 0) {
    const over = `oldest job waited ${formatSeconds(age)}, over the ${formatSeconds(config.queueAgeSloSeconds)} SLO`;
    if (starting > 0) {
      parts.push(`${over}, but ${workers(starting)} still starting`);
    } else {
      const proportional = Math.ceil((current * age) / config.queueAgeSloSeconds);
      const slots = Math.ceil(backlog / config.concurrency);
      const fromAge = Math.max(current + 1, Math.min(proportional, slots));
      parts.push(`${over}, wants ${fromAge}`);
      raw = Math.max(raw, fromAge);
    }
  }

  const seen = history.flatMap((d) => (d.flow ? [d.flow] : []));
  const recent = recentFlow(flow ? [...seen, flow] : seen, input.now);
  const service = serviceSeconds(recent);
  if (flow && service !== undefined) {
    const trend = arrivalTrend(recent);
    const last = history.at(-1);
    const interval = last ? Math.min(TREND_SECONDS, Math.max(0, (input.now - last.at) / 1000)) : 0;
    const lead = (positive(input.startupSeconds) ? input.startupSeconds : 0) + interval;
    const wanted = flowWant(flow.arrivalsPerSecond, trend, service, lead, config.concurrency);
    parts.push(wanted.part);
    raw = Math.max(raw, wanted.workers);
  }

  if (validBudget(input.provider)) {
    const { limit } = budgetRate(input.provider);
    let cap =
      service === undefined ? Infinity : providerCap(input.provider, service, config.concurrency).workers;
    if (budgetSpent(input.provider)) cap = Math.min(cap, Math.max(1, current));
    if (raw > cap) {
      parts.push(
        current >= cap
          ? `provider budget: ${limit}; ${workers(cap)} already ${cap === 1 ? 'uses' : 'use'} it`
          : `provider budget: ${limit} keeps ${workers(cap)} busy`,
      );
      raw = cap;
    }
  }
  return { raw, parts };
}

/** The flow the input shows, when it has all of it. */
function flowPoint(input: ScalingInput): FlowPoint | undefined {
  const { active, arrivalsPerSecond, completionsPerSecond } = input;
  if (!validCount(active) || !validCount(arrivalsPerSecond) || !validCount(completionsPerSecond))
    return undefined;
  return { at: input.now, arrivalsPerSecond, completionsPerSecond, active };
}

/** Why the input cannot be trusted, or undefined when it can. */
function readFailure(input: ScalingInput): string | undefined {
  if (input.metricError !== undefined) return input.metricError;
  if (!validCount(input.backlog)) return `backlog ${String(input.backlog)} is not a count`;
  const age = input.oldestAgeSeconds;
  if (age === undefined || (age !== null && !(age >= 0)))
    return `oldest age ${String(age)} is not a duration`;
  return undefined;
}

/** Decides how many workers the fleet should run. Pure: same input, same decision. */
export function decide(input: ScalingInput, config: FleetScaling, history: ScalingHistory): Decision {
  const current = Math.max(0, Math.floor(input.currentWorkers));
  const { now } = input;
  const clamps: Clamp[] = [];

  const failure = readFailure(input);
  if (failure !== undefined || !validCount(input.backlog)) {
    clamps.push({ kind: 'hold-on-error', from: current, to: current });
    return {
      at: now,
      current,
      rawDesired: current,
      desired: current,
      direction: 'hold',
      reason: `Queue metrics unavailable (${failure}); holding at ${workers(current)}.`,
      clamps,
      metricFailed: true,
    };
  }

  const flow = flowPoint(input);
  const { raw, parts } = want({ ...input, backlog: input.backlog }, flow, current, config, history);
  const notes: string[] = [];
  let desired = raw;

  if (raw > current) {
    const limit = current + Math.max(current, config.maxStepUp);
    if (raw > limit) {
      clamps.push({ kind: 'stepUp', from: raw, to: limit });
      notes.push(`scale-up step limited to ${limit}`);
      desired = limit;
    }
  } else if (raw < current) {
    desired = scaleDown(raw, current, now, config, history, clamps, notes);
  }

  if (desired < config.min) {
    clamps.push({ kind: 'min', from: desired, to: config.min });
    notes.push(`min is ${config.min}`);
    desired = config.min;
  }
  if (desired > config.max) {
    clamps.push({ kind: 'max', from: desired, to: config.max });
    notes.push(`max is ${config.max}`);
    desired = config.max;
  }

  const direction: Direction = desired > current ? 'up' : desired < current ? 'down' : 'hold';
  const outcome =
    direction === 'hold'
      ? `hold at ${workers(current)}`
      : `scale ${direction} from ${current} to ${workers(desired)}`;
  const sentence = [...parts, ...notes].join('; ');
  return {
    at: now,
    current,
    rawDesired: raw,
    desired,
    direction,
    reason: `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}: ${outcome}.`,
    clamps,
    metricFailed: false,
    ...(flow && { flow }),
  };
}

function scaleDown(
  raw: number,
  current: number,
  now: number,
  config: FleetScaling,
  history: ScalingHistory,
  clamps: Clamp[],
  notes: string[],
): number {
  const windowMs = config.scaleDownWindowSeconds * 1000;
  const windowStart = now - windowMs;
  const inWindow = history.filter((d) => d.at >= windowStart && d.at <= now);
  const observed = history.some((d) => d.at <= windowStart);
  const blocker = inWindow.find((d) => d.metricFailed || d.rawDesired >= current);

  if (windowMs > 0 && (!observed || blocker)) {
    clamps.push({ kind: 'window', from: raw, to: current });
    notes.push(
      blocker
        ? blocker.metricFailed
          ? `a metric read failed within the ${config.scaleDownWindowSeconds} s scale-down window`
          : `a decision within the ${config.scaleDownWindowSeconds} s scale-down window wanted ${blocker.rawDesired}`
        : `the ${config.scaleDownWindowSeconds} s scale-down window is not yet observed`,
    );
    return current;
  }

  // Never go below what any decision in the window wanted: the window is a max, not a vote. Nor
  // above the fleet as it is: holding back a scale-down never grows the fleet.
  const floor = Math.min(current, Math.max(raw, ...inWindow.map((d) => d.rawDesired)));
  if (floor > raw) {
    clamps.push({ kind: 'window', from: raw, to: floor });
    notes.push(`the scale-down window still wants ${floor}`);
  }
  const stepFloor = current - config.maxStepDown;
  if (floor < stepFloor) {
    clamps.push({ kind: 'stepDown', from: floor, to: stepFloor });
    notes.push(`scale-down step is ${config.maxStepDown}`);
    return stepFloor;
  }
  return floor;
}

/**
 * Appends a decision and forgets what the window no longer needs: everything inside the
 * scale-down window plus the newest decision before it, which proves the window is fully observed.
 */
export function rememberDecision(
  history: ScalingHistory,
  decision: Decision,
  config: FleetScaling,
): Decision[] {
  const all = [...history, decision];
  const windowStart = decision.at - config.scaleDownWindowSeconds * 1000;
  let firstKept = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.at <= windowStart) firstKept = i;
  }
  return all.slice(firstKept);
}
