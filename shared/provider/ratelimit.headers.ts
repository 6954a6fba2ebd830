/** One of the provider's per-minute budgets as its `x-ratelimit-*` headers state it. */
export interface BudgetHeader {
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the budget is full again (`x-ratelimit-reset-*`). */
  readonly resetMs: number;
}

/** What one answer of the provider said about its rate limits. */
export interface RateLimitReading {
  readonly requests?: BudgetHeader;
  readonly tokens?: BudgetHeader;
  /** `retry-after-ms`, or `retry-after` in seconds (or as an HTTP date), when sent. */
  readonly retryAfterMs?: number;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined | null;

const units: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/**
 * Reads a duration as OpenAI writes it (Go's format: `120ms`, `1s`, `2.448s`, `6m0s`, `1h2m3s`) into
 * milliseconds, rounded up; undefined when it is not one.
 */
export function parseResetDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    ms += Number(value) * units[unit!]!;
  }
  return Math.ceil(Math.round(ms * 1000) / 1000);
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

const count = (text: string | undefined): number | undefined => {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

function budget(headers: HeaderSource, kind: 'requests' | 'tokens'): BudgetHeader | undefined {
  const limit = count(header(headers, `x-ratelimit-limit-${kind}`));
  const remaining = count(header(headers, `x-ratelimit-remaining-${kind}`));
  if (limit === undefined || limit === 0 || remaining === undefined) return undefined;
  const resetMs = parseResetDuration(header(headers, `x-ratelimit-reset-${kind}`)) ?? 0;
  return { limit, remaining: Math.min(remaining, limit), resetMs };
}

function retryAfter(headers: HeaderSource): number | undefined {
  const ms = count(header(headers, 'retry-after-ms'));
  if (ms !== undefined) return ms;
  const raw = header(headers, 'retry-after');
  const seconds = count(raw);
  if (seconds !== undefined) return seconds * 1000;
  const date = raw ? Date.parse(raw) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The rate-limit headers of one answer (OpenAI's names), whatever else it carried. */
export function readRateLimitHeaders(headers: HeaderSource): RateLimitReading {
  const requests = budget(headers, 'requests');
  const tokens = budget(headers, 'tokens');
  const wait = retryAfter(headers);
  return {
    ...(requests && { requests }),
    ...(tokens && { tokens }),
    ...(wait !== undefined && { retryAfterMs: wait }),
  };
}

/**
 * How long a 429 stops the fleet: the `retry-after` the provider asked for; without one, until the
 * spent budget has room again (one request back, or its reset when tokens ran out); 1 s at least.
 */
export function pauseAfterRefusal(reading: RateLimitReading): number {
  if (reading.retryAfterMs !== undefined) return Math.max(1000, reading.retryAfterMs);
  const { requests, tokens } = reading;
  const waits = [1000];
  if (requests && requests.remaining < 1) waits.push(Math.ceil(requests.resetMs / requests.limit));
  if (tokens && tokens.remaining < 1) waits.push(tokens.resetMs);
  return Math.max(...waits);
}
