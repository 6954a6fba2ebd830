import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../redis/keys';
import { createProviderBudget, readProviderState } from './provider.budget';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefixes: string[] = [];

function fresh() {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  const keys = redisKeys(prefix);
  return { keys, budget: createProviderBudget(redis, keys, { callLeaseMs: 60_000, maxSleepMs: 100 }) };
}

const headers = (requests: number, remaining: number, extra: Record<string, string> = {}) =>
  new Headers({
    'x-ratelimit-limit-requests': String(requests),
    'x-ratelimit-remaining-requests': String(remaining),
    'x-ratelimit-reset-requests': '3s',
    ...extra,
  });

beforeAll(() => redis.ping());
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

describe('the shared provider budget', () => {
  it('lets one call find the limits out, then as many as the budget holds, the rest in arrival order', async () => {
    const { keys, budget } = fresh();
    await budget.acquire('probe', 100);
    const order: string[] = [];
    // While nothing is known, the others wait for the probe's answer.
    const others = ['a', 'b', 'c', 'd'].map((id) => budget.acquire(id, 100).then(() => order.push(id)));
    await new Promise((r) => setTimeout(r, 150));
    expect(order).toEqual([]);
    expect((await readProviderState(redis, keys)).waiting).toBe(4);

    // 600 requests/min = one every 100 ms; 2 left now.
    await budget.observed('probe', headers(600, 2));
    await Promise.all(others);
    expect(new Set(order)).toEqual(new Set(['a', 'b', 'c', 'd']));
    const state = await readProviderState(redis, keys);
    expect(state).toMatchObject({ requestsPerMinute: 600, tokensPerMinute: null, inFlight: 5, waiting: 0 });
    expect(state.tokensPerCall).toBe(100);
    for (const id of ['probe', 'a', 'b', 'c', 'd']) await budget.release(id);
    expect((await readProviderState(redis, keys)).inFlight).toBe(0);
  });

  it('spends a known budget at its refill rate, first come first served', async () => {
    const { budget } = fresh();
    await budget.acquire('probe', 1);
    await budget.observed('probe', headers(1200, 0)); // one back every 50 ms
    const started = Date.now();
    const done: string[] = [];
    await Promise.all(
      ['1', '2', '3', '4', '5', '6'].map(async (id, i) => {
        await new Promise((r) => setTimeout(r, i * 5));
        await budget.acquire(id, 1);
        done.push(id);
      }),
    );
    // Six calls from an empty budget: about 300 ms, in the order they asked.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(done).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('refills no further than the limit less the calls the provider has not answered yet', async () => {
    const { keys, budget } = fresh();
    await budget.acquire('probe', 1);
    await budget.observed('probe', headers(600, 600)); // 10 a second
    const ids = Array.from({ length: 600 }, (_, i) => `c${i}`);
    for (let i = 0; i < ids.length; i += 100)
      await Promise.all(ids.slice(i, i + 100).map((id) => budget.acquire(id, 1)));
    // All 600 on their way: the provider's budget may still be full, so nothing refills.
    await new Promise((r) => setTimeout(r, 400));
    expect((await readProviderState(redis, keys)).requestsLeft).toBe(0);
    // 100 answered: up to 100 may refill, at 10 a second.
    await Promise.all(ids.slice(0, 100).map((id) => budget.observed(id, headers(600, 0))));
    await new Promise((r) => setTimeout(r, 400));
    const left = (await readProviderState(redis, keys)).requestsLeft!;
    expect(left).toBeGreaterThanOrEqual(3);
    expect(left).toBeLessThanOrEqual(10);
  });

  it('pauses every worker after a 429 until the reset the provider gave', async () => {
    const { keys, budget } = fresh();
    await budget.acquire('probe', 1);
    await budget.observed('probe', headers(6000, 5000));
    const pauseMs = await budget.refused('probe', headers(6000, 0, { 'retry-after-ms': '400' }));
    expect(pauseMs).toBe(1000); // at least a second
    const state = await readProviderState(redis, keys);
    expect(state.pausedUntil).toBeGreaterThan(Date.now() + 700);
    const started = Date.now();
    await budget.acquire('next', 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('lets the next call find the limits out when the first never answers (its worker died)', async () => {
    const { budget } = fresh();
    await budget.acquire('dead', 1);
    const started = Date.now();
    await budget.acquire('next', 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('lets calls go freely once a provider answers without limits', async () => {
    const { keys, budget } = fresh();
    await budget.acquire('probe', 1);
    await budget.observed('probe', new Headers());
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => budget.acquire(`c${i}`, 1)));
    expect(Date.now() - started).toBeLessThan(500);
    expect((await readProviderState(redis, keys)).requestsPerMinute).toBeNull();
  });

  it('gives up the place in line when the wait is aborted', async () => {
    const { keys, budget } = fresh();
    await budget.acquire('probe', 1);
    await budget.observed('probe', headers(1, 0));
    const controller = new AbortController();
    const waiting = budget.acquire('w', 1, controller.signal);
    await new Promise((r) => setTimeout(r, 50));
    expect((await readProviderState(redis, keys)).waiting).toBe(1);
    controller.abort(new Error('cancelled by the user'));
    await expect(waiting).rejects.toThrow('cancelled by the user');
    expect((await readProviderState(redis, keys)).waiting).toBe(0);
  });
});
