import type { ProviderBudget } from '../../../shared/scaling/policy';

/**
 * An LLM provider's rate limits as OpenAI applies them: a requests-per-minute and a tokens-per-minute
 * budget, each a bucket that holds a minute's worth and refills continuously over the minute. A call
 * takes one request and the job's tokens when it starts; past either budget it is refused with a 429
 * and a `retry-after` of the whole seconds until the budget has room again.
 *
 * Calls are asked for roughly in time order (the queue model fills a tick's slots one by one), so the
 * buckets keep one clock that never goes back: a call asked for earlier than the last one is taken
 * as asked at the later time.
 */
export interface ProviderModel {
  /** Earliest time, at or after `at`, when one call fits both budgets. */
  readyAt(at: number): number;
  /** Takes one call's budget at `at` if it fits; false (a 429) when it does not. */
  tryCall(at: number): boolean;
  /** What a 429 at `at` says in `retry-after`: whole seconds until a call fits, at least 1. */
  retryAfterSeconds(at: number): number;
  /** Calls refused so far. */
  readonly rejected: number;
}

export function createProviderModel(budget: ProviderBudget): ProviderModel {
  const buckets = [
    { capacity: budget.requestsPerMinute, perCall: 1 },
    { capacity: budget.tokensPerMinute, perCall: budget.tokensPerJob },
  ].map((b) => ({ ...b, level: b.capacity, refill: b.capacity / 60 }));
  for (const b of buckets) {
    if (!(b.capacity >= b.perCall && b.perCall >= 0 && b.refill > 0)) {
      throw new Error(`a provider budget of ${b.capacity} per minute cannot serve ${b.perCall} per call`);
    }
  }
  let clock = 0;
  let rejected = 0;

  const advance = (at: number) => {
    if (at <= clock) return;
    for (const b of buckets) b.level = Math.min(b.capacity, b.level + (at - clock) * b.refill);
    clock = at;
  };
  const wait = (at: number) => {
    advance(at);
    return Math.max(0, ...buckets.map((b) => (b.perCall - b.level) / b.refill));
  };

  return {
    readyAt(at) {
      return Math.max(at, clock) + wait(at);
    },
    tryCall(at) {
      if (wait(at) > 1e-9) {
        rejected++;
        return false;
      }
      for (const b of buckets) b.level -= b.perCall;
      return true;
    },
    retryAfterSeconds(at) {
      return Math.max(1, Math.ceil(wait(at)));
    },
    get rejected() {
      return rejected;
    },
  };
}
