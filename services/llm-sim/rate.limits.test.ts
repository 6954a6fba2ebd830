import { describe, expect, it } from 'vitest';
import { parseResetDuration } from '../../shared/provider/ratelimit.headers';
import { createRateLimiter, formatDuration, type RateLimitSettings } from './rate.limits';

const limiter = (limits: Partial<RateLimitSettings>) => {
  const settings = { requestsPerMinute: null, tokensPerMinute: null, ...limits };
  return { settings, limiter: createRateLimiter(() => settings) };
};

describe('createRateLimiter', () => {
  it('sends no headers and refuses nothing without limits', () => {
    const { limiter: l } = limiter({});
    for (let i = 0; i < 1000; i++) expect(l.take(10_000, 0)).toEqual({ ok: true, headers: {} });
  });

  it('spends a full minute of requests, then refills one every 60 s / limit', () => {
    const { limiter: l } = limiter({ requestsPerMinute: 20 });
    for (let i = 0; i < 20; i++) expect(l.take(1, 1000).ok).toBe(true);
    const refused = l.take(1, 1000);
    expect(refused).toMatchObject({ ok: false, limit: 'requests', retryAfterSeconds: 3 });
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit-requests': '20',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1m0s',
    });
    // 2.9 s later not yet a whole request; at 3 s one, and only one.
    expect(l.take(1, 3900).ok).toBe(false);
    expect(l.take(1, 4000).ok).toBe(true);
    expect(l.take(1, 4000)).toMatchObject({ ok: false, retryAfterSeconds: 3 });
    // A minute idle fills it again, never past the limit.
    expect(l.headers(600_000)).toMatchObject({
      'x-ratelimit-remaining-requests': '20',
      'x-ratelimit-reset-requests': '0s',
    });
  });

  it('counts tokens apart and says which budget refused', () => {
    const { limiter: l } = limiter({ requestsPerMinute: 1000, tokensPerMinute: 6000 });
    expect(l.take(4000, 0)).toMatchObject({
      ok: true,
      headers: {
        'x-ratelimit-remaining-requests': '999',
        'x-ratelimit-remaining-tokens': '2000',
        'x-ratelimit-reset-tokens': '40s',
        'x-ratelimit-reset-requests': '60ms',
      },
    });
    // 3000 tokens need 1000 more: 10 s at 100 tokens/s. Nothing is taken by a refusal.
    expect(l.take(3000, 0)).toMatchObject({ ok: false, limit: 'tokens', retryAfterSeconds: 10 });
    expect(l.headers(0)['x-ratelimit-remaining-requests']).toBe('999');
    expect(l.take(3000, 10_000).ok).toBe(true);
  });

  it('follows a changed limit: a new one starts full, a lower one caps what is left', () => {
    const { settings, limiter: l } = limiter({});
    settings.requestsPerMinute = 5;
    expect(l.headers(0)['x-ratelimit-remaining-requests']).toBe('5');
    settings.requestsPerMinute = 2;
    expect(l.take(1, 0).ok).toBe(true);
    expect(l.take(1, 0).ok).toBe(true);
    expect(l.take(1, 0).ok).toBe(false);
    settings.requestsPerMinute = null;
    expect(l.take(1, 0)).toEqual({ ok: true, headers: {} });
  });
});

describe('formatDuration', () => {
  it("writes OpenAI's (Go's) durations, and the workers read them back", () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [0.4, '1ms'],
      [120, '120ms'],
      [1000, '1s'],
      [2448, '2.448s'],
      [60_000, '1m0s'],
      [360_000, '6m0s'],
      [90_500, '1m30.5s'],
      [3_600_000, '1h0m0s'],
    ];
    for (const [ms, text] of cases) {
      expect(formatDuration(ms)).toBe(text);
      expect(parseResetDuration(text)).toBe(Math.ceil(ms));
    }
  });
});
