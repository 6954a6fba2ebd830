import type { OutgoingHttpHeaders } from 'node:http';

/** A per-minute limit; null is no limit. */
export interface RateLimitSettings {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export type LimitKind = 'requests' | 'tokens';

export type RateDecision =
  | { ok: true; headers: OutgoingHttpHeaders }
  | { ok: false; limit: LimitKind; retryAfterSeconds: number; headers: OutgoingHttpHeaders };

export interface RateLimiter {
  /** Takes one request and `tokens` from the budgets at `nowMs`, or says which budget refused it. */
  take(tokens: number, nowMs: number): RateDecision;
  /** The budgets' headers at `nowMs` without taking anything (for answers that spend nothing). */
  headers(nowMs: number): OutgoingHttpHeaders;
}

interface Bucket {
  capacity: number;
  level: number;
  at: number;
}

const minuteMs = 60_000;

/**
 * OpenAI's rate limits: each budget holds a minute's worth and refills continuously over the
 * minute (a 20 requests/min budget gets one request back every 3 s, and is full again a minute
 * after it was emptied). A request takes one request and its tokens (prompt plus the completion it
 * may write, as OpenAI counts them) when it arrives; past either budget it takes nothing and is
 * refused. Every answer carries the budgets as OpenAI sends them: `x-ratelimit-limit-*`,
 * `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` (time until the budget is full again).
 */
export function createRateLimiter(settings: () => RateLimitSettings): RateLimiter {
  const buckets: Record<LimitKind, Bucket | undefined> = { requests: undefined, tokens: undefined };

  /** The bucket of `kind` at `now`, following a changed limit (a new one starts full). */
  const bucket = (kind: LimitKind, now: number): Bucket | undefined => {
    const { requestsPerMinute, tokensPerMinute } = settings();
    const capacity = kind === 'requests' ? requestsPerMinute : tokensPerMinute;
    if (capacity === null) {
      buckets[kind] = undefined;
      return undefined;
    }
    let b = buckets[kind];
    if (!b) b = buckets[kind] = { capacity, level: capacity, at: now };
    if (b.capacity !== capacity) b.capacity = capacity;
    if (now > b.at) {
      b.level = Math.min(b.capacity, b.level + ((now - b.at) * b.capacity) / minuteMs);
      b.at = now;
    }
    b.level = Math.min(b.level, b.capacity);
    return b;
  };

  const headersOf = (now: number): OutgoingHttpHeaders => {
    const headers: OutgoingHttpHeaders = {};
    for (const kind of ['requests', 'tokens'] as const) {
      const b = bucket(kind, now);
      if (!b) continue;
      headers[`x-ratelimit-limit-${kind}`] = String(b.capacity);
      headers[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, Math.floor(b.level)));
      headers[`x-ratelimit-reset-${kind}`] = formatDuration(((b.capacity - b.level) * minuteMs) / b.capacity);
    }
    return headers;
  };

  return {
    take(tokens, now) {
      const needs: [LimitKind, number][] = [
        ['requests', 1],
        ['tokens', tokens],
      ];
      for (const [kind, need] of needs) {
        const b = bucket(kind, now);
        // A request larger than the whole budget could never fit; it waits for a full budget.
        const wanted = b ? Math.min(need, b.capacity) : 0;
        if (b && b.level < wanted) {
          const waitMs = ((wanted - b.level) * minuteMs) / b.capacity;
          return {
            ok: false,
            limit: kind,
            retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
            headers: headersOf(now),
          };
        }
      }
      for (const [kind, need] of needs) {
        const b = bucket(kind, now);
        if (b) b.level = Math.max(0, b.level - Math.min(need, b.capacity));
      }
      return { ok: true, headers: headersOf(now) };
    },
    headers: headersOf,
  };
}

/**
 * A duration as OpenAI writes it in `x-ratelimit-reset-*` (Go's format, to the millisecond):
 * `120ms`, `1s`, `2.448s`, `6m0s`, `1h0m0s`.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Number(((total % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
