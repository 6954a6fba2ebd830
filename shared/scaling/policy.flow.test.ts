import { describe, expect, it } from 'vitest';
import {
  arrivalTrend,
  FEWEST_FINISHED,
  type FlowPoint,
  flowWant,
  providerCap,
  recentFlow,
  serviceSeconds,
  TREND_SECONDS,
} from './policy.flow';

/** Points every 5 s for the last `seconds` before t = 100 s. */
function points(seconds: number, at: (s: number) => Omit<FlowPoint, 'at'>): FlowPoint[] {
  const out: FlowPoint[] = [];
  for (let s = 100 - seconds; s <= 100; s += 5) out.push({ at: s * 1000, ...at(s) });
  return out;
}

describe('serviceSeconds (Little’s law)', () => {
  it('is jobs in service over jobs finished per second when the load is steady', () => {
    const steady = points(60, () => ({ arrivalsPerSecond: 40, completionsPerSecond: 40, active: 120 }));
    expect(serviceSeconds(steady)).toBeCloseTo(3);
  });

  it('counts jobs entering service, not only those finishing, while the slots fill', () => {
    // Jobs in service grow by 2 a second while 10 a second finish: 12 a second enter.
    const filling = points(60, (s) => ({ arrivalsPerSecond: 12, completionsPerSecond: 10, active: 2 * s }));
    const meanActive = filling.reduce((a, p) => a + p.active, 0) / filling.length;
    expect(serviceSeconds(filling)).toBeCloseTo(meanActive / 12);
  });

  it('says nothing until enough jobs finished', () => {
    const quiet = points(60, () => ({ arrivalsPerSecond: 0.2, completionsPerSecond: 0.2, active: 1 }));
    // 0.2/s over 60 s is 12 jobs, fewer than needed.
    expect(12).toBeLessThan(FEWEST_FINISHED);
    expect(serviceSeconds(quiet)).toBeUndefined();
    expect(serviceSeconds([])).toBeUndefined();
  });
});

describe('arrivalTrend', () => {
  it('is the slope of the arrival rate, per second', () => {
    const rising = points(60, (s) => ({
      arrivalsPerSecond: 100 + 0.5 * s,
      completionsPerSecond: 0,
      active: 0,
    }));
    expect(arrivalTrend(rising)).toBeCloseTo(0.5);
    const flat = points(60, () => ({ arrivalsPerSecond: 100, completionsPerSecond: 0, active: 0 }));
    expect(arrivalTrend(flat)).toBe(0);
    expect(arrivalTrend(flat.slice(0, 2))).toBe(0);
  });

  it('sees only the last TREND_SECONDS', () => {
    const old = points(200, (s) => ({
      arrivalsPerSecond: s < 40 ? 0 : 100,
      completionsPerSecond: 0,
      active: 0,
    }));
    const recent = recentFlow(old, 100_000);
    expect(recent.every((p) => p.at >= 100_000 - TREND_SECONDS * 1000)).toBe(true);
    expect(arrivalTrend(recent)).toBe(0);
  });
});

describe('flowWant', () => {
  it('sizes the busy slots plus their square root, over the concurrency', () => {
    // 40/s × 3 s = 120 busy, + √120 ≈ 11: 131 slots, 9 workers of 16.
    expect(flowWant(40, 0, 3, 7, 16)).toEqual({ workers: 9, part: 'arrivals 40/s, × 3 s per job want 9' });
  });

  it('looks a start-up ahead when arrivals rise, and not when they fall', () => {
    // 70/s × 3 s = 210 busy, + √210 ≈ 14.5: 15 workers of 16.
    const ahead = flowWant(40, 0.5, 3, 60, 16);
    expect(ahead.part).toBe('arrivals 40/s, rising to 70/s in 60 s, × 3 s per job want 15');
    expect(flowWant(40, -0.5, 3, 60, 16).workers).toBe(9);
  });
});

describe('providerCap', () => {
  it('serves what the request budget allows when requests are the tighter limit', () => {
    // 20 requests/min = 1/3 call a second × 12 s per job = 4 slots: one worker of 16.
    expect(providerCap({ requestsPerMinute: 20, tokensPerMinute: 1e6, tokensPerJob: 500 }, 12, 16)).toEqual({
      workers: 1,
      limit: '20 requests/min',
    });
    expect(providerCap({ requestsPerMinute: 600, tokensPerMinute: 1e9, tokensPerJob: 1 }, 8, 4).workers).toBe(
      20,
    );
  });

  it('serves what the token budget allows when tokens are the tighter limit', () => {
    // 90,000 tokens/min at 1,500 per job = 1 job a second × 40 s = 40 slots: 3 workers of 16.
    expect(
      providerCap({ requestsPerMinute: 500, tokensPerMinute: 90_000, tokensPerJob: 1500 }, 40, 16),
    ).toEqual({
      workers: 3,
      limit: '90,000 tokens/min at 1,500 per job',
    });
  });

  it('leaves at least one worker, so a queue still drains', () => {
    expect(providerCap({ requestsPerMinute: 0, tokensPerMinute: 0, tokensPerJob: 1 }, 3, 16).workers).toBe(1);
  });
});
