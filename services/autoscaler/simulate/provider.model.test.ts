import { describe, expect, it } from 'vitest';
import { createProviderModel } from './provider.model';
import { createQueueModel, type FleetView } from './queue.model';
import { createRandom } from './random.model';
import { buildWorkload } from './workload.model';

describe('provider model', () => {
  it('allows a minute of calls at once, then refills continuously over the minute', () => {
    const provider = createProviderModel({ requestsPerMinute: 60, tokensPerMinute: 1e9, tokensPerJob: 1 });
    for (let i = 0; i < 60; i++) expect(provider.tryCall(0)).toBe(true);
    expect(provider.tryCall(0)).toBe(false);
    expect(provider.retryAfterSeconds(0)).toBe(1);
    expect(provider.readyAt(0)).toBeCloseTo(1);
    expect(provider.tryCall(1)).toBe(true);
    expect(provider.tryCall(1.5)).toBe(false);
    expect(provider.rejected).toBe(2);
  });

  it('limits by tokens when a job spends more of them than the requests allow', () => {
    const provider = createProviderModel({
      requestsPerMinute: 600,
      tokensPerMinute: 6000,
      tokensPerJob: 1000,
    });
    let t = 0;
    let calls = 0;
    while (t < 120) {
      t = provider.readyAt(t);
      if (provider.tryCall(t)) calls++;
    }
    // 6 at once, then one every 10 s.
    expect(calls).toBe(6 + 12);
    expect(provider.retryAfterSeconds(t)).toBe(10);
  });

  it('refuses a budget that cannot serve one call', () => {
    expect(() =>
      createProviderModel({ requestsPerMinute: 10, tokensPerMinute: 100, tokensPerJob: 1000 }),
    ).toThrow('cannot serve 1000 per call');
  });
});

describe('queue model with a provider budget', () => {
  const budget = { requestsPerMinute: 120, tokensPerMinute: 1e9, tokensPerJob: 1 };
  const arrivals = Array.from({ length: 300 }, (_, t) => (t < 120 ? 6 : 0));
  const run = (onLimit: 'wait' | 'retry') => {
    const workload = buildWorkload(
      arrivals,
      { medianSeconds: 2, sigma: 0.5, maxSeconds: 20 },
      createRandom(1),
    );
    const provider = createProviderModel(budget);
    const model = createQueueModel(workload, {
      concurrency: 8,
      startupSeconds: 0,
      stopGraceSeconds: 120,
      retire: 'least-busy',
      random: createRandom(2),
      cpu: { idlePercent: 0, perJobPercent: 1 },
      provider: { model: provider, onLimit },
    });
    model.scaleTo(4, 0, { alreadyRunning: true });
    const startsBy = new Map<number, number>();
    const views = new Map<number, FleetView>();
    let t = 0;
    for (; t < 3000 && (t < arrivals.length || model.view(t).waiting + model.view(t).active > 0); t++) {
      model.step(t);
      views.set(t + 1, model.view(t + 1));
      startsBy.set(t + 1, model.stats.completed + model.view(t + 1).active);
    }
    return { workload, model, startsBy, views, end: t };
  };

  it('with a shared budget, starts jobs only as the budget refills and is never refused', () => {
    const { workload, model, startsBy } = run('wait');
    expect(model.stats.completed).toBe(workload.count);
    expect(model.stats.rejectedCalls).toBe(0);
    // 120 at once plus 2 a second: by t = 100, at most 120 + 200 calls.
    expect(startsBy.get(100)).toBeLessThanOrEqual(120 + 200 + 1);
    expect(startsBy.get(100)).toBeGreaterThan(300);
  });

  it('with workers calling on their own, holds the slots, counts every 429 and still finishes each job once', () => {
    const { workload, model } = run('retry');
    expect(model.stats.completed).toBe(workload.count);
    expect(model.stats.completions.every((n) => n === 1)).toBe(true);
    // 32 slots retry about once a second while the budget gives 2 calls a second.
    expect(model.stats.rejectedCalls).toBeGreaterThan(1000);
  });

  it('counts a job waiting out a 429 in a slot as unanswered, and its wait until the call went through', () => {
    const waits = run('wait');
    const retries = run('retry');
    // With retries the queue looks shorter (jobs sit in slots), but what users wait is as long.
    const shared = waits.views.get(100)!;
    const own = retries.views.get(100)!;
    expect(shared.oldestUnansweredSeconds).toBe(shared.oldestAgeSeconds);
    expect(own.oldestAgeSeconds ?? 0).toBeLessThan(shared.oldestAgeSeconds!);
    expect(own.oldestUnansweredSeconds!).toBeGreaterThan(own.oldestAgeSeconds ?? 0);
    const meanWait = (m: typeof waits.model) =>
      m.stats.waitSeconds.reduce((a, b) => a + b, 0) / m.stats.completed;
    expect(meanWait(retries.model)).toBeGreaterThan(0.5 * meanWait(waits.model));
  });
});
