/**
 * The policy's flow rules: how many workers the arrival rate needs (Little's law, sized ahead by the
 * start-up time at the current trend), and how many the LLM provider's budget can keep busy.
 */

/** The provider's rate limits the fleet shares, as its `x-ratelimit-limit-*` headers give them. */
export interface ProviderBudget {
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  /** Tokens one job spends (prompt and completion), on average. */
  readonly tokensPerJob: number;
  /**
   * Calls waiting for the budget now, fleet-wide: above 0 the budget is spent as fast as it comes
   * back, and another worker would only wait too. Absent when not known.
   */
  readonly waiting?: number;
}

/** What the queue's flow looked like at one decision: the trend and the service time come from these. */
export interface FlowPoint {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly arrivalsPerSecond: number;
  readonly completionsPerSecond: number;
  /** Jobs in service. */
  readonly active: number;
}

/** Trend points older than this are left out: a day's ramp is steady over a minute, not over ten. */
export const TREND_SECONDS = 60;

const FEWEST_TREND_POINTS = 3;

/** Jobs that must have finished in the recent points before their service time means anything. */
export const FEWEST_FINISHED = 20;

/** The points of the last TREND_SECONDS before `now`. */
export function recentFlow(points: readonly FlowPoint[], now: number): FlowPoint[] {
  return points.filter((p) => p.at >= now - TREND_SECONDS * 1000 && p.at <= now);
}

/**
 * Mean seconds a job holds a slot, by Little's law over the recent points: mean jobs in service ÷
 * mean jobs entering service per second. Jobs enter service as fast as they finish plus as fast as
 * the number in service grows; counting only those finishing would, while a burst fills the slots,
 * read a slot-holding time several times too long. Undefined until FEWEST_FINISHED jobs finished
 * among the points: a handful of jobs says nothing about the next hundred.
 */
export function serviceSeconds(recent: readonly FlowPoint[]): number | undefined {
  let finished = 0;
  for (let i = 1; i < recent.length; i++)
    finished += (recent[i]!.completionsPerSecond * (recent[i]!.at - recent[i - 1]!.at)) / 1000;
  if (finished < FEWEST_FINISHED) return undefined;
  const first = recent[0]!;
  const last = recent.at(-1)!;
  const active = recent.reduce((s, p) => s + p.active, 0) / recent.length;
  const finishing = recent.reduce((s, p) => s + p.completionsPerSecond, 0) / recent.length;
  const span = (last.at - first.at) / 1000;
  const growing = span > 0 ? (last.active - first.active) / span : 0;
  const entering = finishing + growing > 0 ? finishing + growing : finishing;
  if (!positive(active) || !positive(entering)) return undefined;
  return active / entering;
}

/**
 * How fast arrivals grow, per second per second: the least-squares slope of the arrival rate over
 * the recent points (a fit over a minute, so one noisy reading does not swing it); 0 with too few.
 */
export function arrivalTrend(points: readonly FlowPoint[]): number {
  if (points.length < FEWEST_TREND_POINTS) return 0;
  const meanAt = points.reduce((s, p) => s + p.at, 0) / points.length;
  const meanRate = points.reduce((s, p) => s + p.arrivalsPerSecond, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.at - meanAt) * (p.arrivalsPerSecond - meanRate);
    variance += (p.at - meanAt) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 1000;
}

export interface FlowWant {
  readonly workers: number;
  readonly part: string;
}

/**
 * Workers the arrivals need `leadSeconds` from now (when a worker asked for now has started and the
 * next decision's have too): the rate then, at the current trend if it rises, times the service time,
 * plus √ of that for the randomness of arrivals and job times (square-root staffing), over the
 * concurrency.
 */
export function flowWant(
  arrivalsPerSecond: number,
  trend: number,
  service: number,
  leadSeconds: number,
  concurrency: number,
): FlowWant {
  const ahead = arrivalsPerSecond + Math.max(0, trend) * leadSeconds;
  const busy = ahead * service;
  const workers = Math.ceil((busy + Math.sqrt(busy)) / concurrency);
  const rising = ahead > arrivalsPerSecond ? `, rising to ${rate(ahead)}/s in ${seconds(leadSeconds)}` : '';
  return {
    workers,
    part: `arrivals ${rate(arrivalsPerSecond)}/s${rising}, × ${seconds(service)} per job want ${workers}`,
  };
}

export interface ProviderCap {
  readonly workers: number;
  /** The binding limit in words, e.g. "20 requests/min". */
  readonly limit: string;
}

/**
 * The most workers the provider's budget keeps busy: the jobs per second it allows (the tighter of
 * requests and tokens) × the service time, over the concurrency; at least 1 so a queue still drains.
 */
export function providerCap(budget: ProviderBudget, service: number, concurrency: number): ProviderCap {
  const { jobsPerSecond, limit } = budgetRate(budget);
  const workers = Math.max(1, Math.ceil((jobsPerSecond * service) / concurrency));
  return { workers, limit };
}

/** The jobs per second the budget allows (the tighter of requests and tokens), and that limit in words. */
export function budgetRate(budget: ProviderBudget): { jobsPerSecond: number; limit: string } {
  const byRequests = budget.requestsPerMinute / 60;
  const byTokens = budget.tokensPerJob > 0 ? budget.tokensPerMinute / budget.tokensPerJob / 60 : byRequests;
  const limit =
    byTokens < byRequests
      ? `${count(budget.tokensPerMinute)} tokens/min at ${count(budget.tokensPerJob)} per job`
      : `${count(budget.requestsPerMinute)} requests/min`;
  return { jobsPerSecond: Math.max(0, Math.min(byRequests, byTokens)), limit };
}

/** True when calls are waiting for the budget now: the provider, not the fleet, is the limit. */
export const budgetSpent = (budget: ProviderBudget): boolean => (budget.waiting ?? 0) > 0;

/** True when the budget is a usable set of limits. */
export function validBudget(budget: ProviderBudget | undefined): budget is ProviderBudget {
  if (budget === undefined) return false;
  const { requestsPerMinute, tokensPerMinute, tokensPerJob } = budget;
  return [requestsPerMinute, tokensPerMinute, tokensPerJob].every((n) => Number.isFinite(n) && n >= 0);
}

/** A finite number above 0. */
export const positive = (n: number | undefined): n is number =>
  n !== undefined && Number.isFinite(n) && n > 0;

const rate = (perSecond: number) =>
  perSecond >= 10 ? count(Math.round(perSecond)) : `${Number(perSecond.toFixed(2))}`;
const seconds = (s: number) => `${Number(s.toFixed(1))} s`;
const count = (n: number) => n.toLocaleString('en-US');
