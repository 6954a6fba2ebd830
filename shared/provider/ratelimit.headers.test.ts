import { describe, expect, it } from 'vitest';
import { parseResetDuration, pauseAfterRefusal, readRateLimitHeaders } from './ratelimit.headers';

describe('readRateLimitHeaders', () => {
  it("reads OpenAI's headers from fetch Headers or a plain record", () => {
    const sent = {
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-limit-tokens': '30000',
      'x-ratelimit-remaining-tokens': '29000',
      'x-ratelimit-reset-tokens': '2s',
      'retry-after': '3',
    };
    const expected = {
      requests: { limit: 500, remaining: 499, resetMs: 120 },
      tokens: { limit: 30_000, remaining: 29_000, resetMs: 2000 },
      retryAfterMs: 3000,
    };
    expect(readRateLimitHeaders(new Headers(sent))).toEqual(expected);
    expect(readRateLimitHeaders(sent)).toEqual(expected);
  });

  it('ignores what is missing or not a number, and prefers retry-after-ms', () => {
    expect(readRateLimitHeaders(undefined)).toEqual({});
    expect(
      readRateLimitHeaders({ 'x-ratelimit-limit-requests': 'many', 'x-ratelimit-remaining-requests': '1' }),
    ).toEqual({});
    expect(readRateLimitHeaders({ 'retry-after-ms': '250', 'retry-after': '9' })).toEqual({
      retryAfterMs: 250,
    });
  });
});

describe('parseResetDuration', () => {
  it('reads Go durations and nothing else', () => {
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('17ms')).toBe(17);
    expect(parseResetDuration('1.5ms')).toBe(2);
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('soon')).toBeUndefined();
    expect(parseResetDuration('3')).toBeUndefined();
  });
});

describe('pauseAfterRefusal', () => {
  it('waits what retry-after asks, else until the spent budget has room, at least a second', () => {
    expect(pauseAfterRefusal({ retryAfterMs: 20_000 })).toBe(20_000);
    expect(pauseAfterRefusal({ retryAfterMs: 10 })).toBe(1000);
    // 20 requests/min, none left, full in a minute: one back in 3 s.
    expect(pauseAfterRefusal({ requests: { limit: 20, remaining: 0, resetMs: 60_000 } })).toBe(3000);
    expect(
      pauseAfterRefusal({
        requests: { limit: 20, remaining: 5, resetMs: 45_000 },
        tokens: { limit: 1000, remaining: 0, resetMs: 7000 },
      }),
    ).toBe(7000);
    expect(pauseAfterRefusal({})).toBe(1000);
  });
});
