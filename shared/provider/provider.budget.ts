import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys';
import { registerScripts } from '../redis/scripts';
import { pauseAfterRefusal, type RateLimitReading, readRateLimitHeaders } from './ratelimit.headers';

/** The shared budget as the autoscaler and the ops views see it. */
export interface ProviderState {
  /** Limits per minute the provider's headers gave; null while unknown (or the provider states none). */
  readonly requestsPerMinute: number | null;
  readonly tokensPerMinute: number | null;
  /** What is left of each now, by the fleet's count. */
  readonly requestsLeft: number | null;
  readonly tokensLeft: number | null;
  /** Tokens a call counts against the budget, smoothed over recent calls; null before the first. */
  readonly tokensPerCall: number | null;
  /** Calls running at the provider now, fleet-wide. */
  readonly inFlight: number;
  /** Calls waiting for budget now, fleet-wide (their jobs hold a worker's slot). */
  readonly waiting: number;
  /** Epoch ms until which a 429 stops every worker; null when not paused. */
  readonly pausedUntil: number | null;
}

export interface ProviderBudgetOptions {
  /** A running call's lease: longer than the longest call, so a dead worker's call lapses. */
  readonly callLeaseMs: number;
  /** Longest single sleep of a waiting call between tries (each try renews its place). */
  readonly maxSleepMs?: number;
  /** How long the shared budget is kept after its last use. */
  readonly ttlMs?: number;
}

const defaults = { maxSleepMs: 2000, ttlMs: 3_600_000, probeWaitMs: 50, probeLeaseMs: 5000 };

/**
 * The LLM provider's budget, shared by every chat worker through Redis: a call waits here for its
 * share (in arrival order) instead of calling and retrying; every answer's `x-ratelimit-*` headers
 * correct the shared levels; a 429 pauses the whole fleet until the provider's reset. Scripts:
 * lua/providerAcquire-5.lua, providerObserve-2, providerRelease-4, providerState-5.
 */
export function createProviderBudget(redis: Redis, keys: RedisKeys, options: ProviderBudgetOptions) {
  registerScripts(redis);
  const maxSleepMs = options.maxSleepMs ?? defaults.maxSleepMs;
  const ttlMs = options.ttlMs ?? defaults.ttlMs;
  // A waiting call tries again at least every maxSleepMs; its place lapses after a few missed tries.
  const waitLeaseMs = maxSleepMs * 3 + 1000;
  const { providerBudget, providerCalls, providerWaiting, providerWaitLeases, providerPending } = keys;

  const observe = (reading: RateLimitReading, pauseMs: number, id: string) =>
    redis.providerObserve(
      providerBudget,
      providerPending,
      reading.requests?.limit ?? '',
      reading.requests?.remaining ?? '',
      reading.tokens?.limit ?? '',
      reading.tokens?.remaining ?? '',
      Math.ceil(pauseMs),
      ttlMs,
      id,
    );

  const release = async (id: string): Promise<void> => {
    await redis.providerRelease(providerCalls, providerWaiting, providerWaitLeases, providerPending, id);
  };

  return {
    /**
     * Waits until the call `id` may spend one request and `tokens`, then counts it as running.
     * Aborting `signal` stops the wait (and gives up the place) with the signal's reason.
     */
    async acquire(id: string, tokens: number, signal?: AbortSignal): Promise<void> {
      for (;;) {
        signal?.throwIfAborted();
        const [go, waitMs] = await redis.providerAcquire(
          providerBudget,
          providerCalls,
          providerWaiting,
          providerWaitLeases,
          providerPending,
          id,
          Math.max(0, Math.ceil(tokens)),
          options.callLeaseMs,
          waitLeaseMs,
          defaults.probeWaitMs,
          ttlMs,
          defaults.probeLeaseMs,
        );
        if (go === 1) return;
        try {
          await sleep(Math.min(waitMs, maxSleepMs), signal);
        } catch (error) {
          await release(id).catch(() => undefined);
          throw error;
        }
      }
    },

    /**
     * Feeds the answer to call `id` to the shared budget (any status: a 500 carries its headers
     * too); the provider has counted the call now. Only a successful answer without limits tells
     * that the provider states none.
     */
    async observed(
      id: string,
      headers: Parameters<typeof readRateLimitHeaders>[0],
      ok = true,
    ): Promise<void> {
      const reading = readRateLimitHeaders(headers);
      if (!ok && !reading.requests && !reading.tokens) return;
      await observe(reading, 0, id);
    },

    /** A 429 to call `id`: feeds its headers and pauses every worker until the reset; returns the pause in ms. */
    async refused(id: string, headers: Parameters<typeof readRateLimitHeaders>[0]): Promise<number> {
      const reading = readRateLimitHeaders(headers);
      const pauseMs = pauseAfterRefusal(reading);
      await observe(reading, pauseMs, id);
      return pauseMs;
    },

    /** The call is over (ended, failed, or gave up waiting). Safe to call more than once. */
    release,

    /** The fleet-wide picture, for the autoscaler's policy and the ops views. */
    async state(): Promise<ProviderState> {
      return readProviderState(redis, keys);
    },
  };
}

export type ProviderBudget = ReturnType<typeof createProviderBudget>;

/** Reads the shared budget (lua/providerState-4.lua); the autoscaler needs no budget of its own. */
export async function readProviderState(redis: Redis, keys: RedisKeys): Promise<ProviderState> {
  const raw = await registerScripts(redis).providerState(
    keys.providerBudget,
    keys.providerCalls,
    keys.providerWaiting,
    keys.providerWaitLeases,
    keys.providerPending,
  );
  const [rpm, tpm, req, tok, paused, , perCall, running, waiting, now] = raw.map(String);
  const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
  const pausedUntil = Number(paused);
  // Pauses are kept by the Redis clock; turned into this process's clock for the reader.
  const skew = Date.now() - Number(now);
  return {
    requestsPerMinute: num(rpm),
    tokensPerMinute: num(tpm),
    requestsLeft: num(req) === null ? null : Math.floor(num(req)!),
    tokensLeft: num(tok) === null ? null : Math.floor(num(tok)!),
    tokensPerCall: num(perCall) === null ? null : Math.round(num(perCall)!),
    inFlight: Number(running),
    waiting: Number(waiting),
    pausedUntil: pausedUntil > Number(now) ? pausedUntil + skew : null,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
