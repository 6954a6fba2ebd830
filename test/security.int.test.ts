import { request } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoEviction } from '../shared/redis/eviction.check';
import { createClient } from './harness/client';
import { type ForwardingProxy, startForwardingProxy } from './harness/forwarding.proxy';
import { type Stack, startStack } from './harness/stack';

describe('the doors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      chatWorkers: 0,
      env: { RATE_LIMIT_AUTH_PER_MIN: '5', RATE_LIMIT_CHAT_PER_MIN: '3' },
    });
  });
  afterAll(() => stack?.stop());

  it('rate-limits guest creation per address with 429 and Retry-After', async () => {
    const api = createClient(stack.baseUrl);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof api.request>> | undefined;
    for (let i = 0; i < 7; i++) {
      last = await api.request('POST', '/api/auth/guest');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.json.error.code).toBe('rate_limited');
  });

  it('rate-limits chat messages per user, not per address', async () => {
    await stack.redis.del(...(await stack.redis.keys(`${stack.env.AIRA_PREFIX}:ratelimit:*`)));
    const [alice, bob] = [
      await createClient(stack.baseUrl).guest(),
      await createClient(stack.baseUrl).guest(),
    ];
    const conversation = await alice.conversation();
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await alice.request('POST', `/api/conversations/${conversation}/messages`, { content: `m${i}` }))
          .status,
      );
    expect(statuses).toEqual([202, 202, 202, 429]);
    const bobs = await bob.conversation();
    expect((await bob.request('POST', `/api/conversations/${bobs}/messages`, { content: 'hi' })).status).toBe(
      202,
    );
  });

  it('sends security headers and no CORS grant to other origins', async () => {
    const res = await fetch(`${stack.baseUrl}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a Redis that evicts keys', async () => {
    const redis = new Redis(stack.env.REDIS_URL!);
    await expect(assertNoEviction(redis)).resolves.toBeUndefined();
    const fake = { info: async () => 'maxmemory_policy:allkeys-lru\r\n' } as unknown as Redis;
    await expect(assertNoEviction(fake)).rejects.toThrow(/allkeys-lru/);
    redis.disconnect();
  });
});

/** Starts a guest session from a given local address (loopback has all of 127/8), as one client. */
function guestFrom(localAddress: string, url: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = request(`${url}/api/auth/guest`, { method: 'POST', localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the per-address limits behind a proxy', () => {
  let stack: Stack;
  let proxy: ForwardingProxy;
  beforeAll(async () => {
    // One proxy in front, as TRUST_PROXY_HOPS says (AWS has two: CloudFront and the load balancer).
    stack = await startStack({
      chatWorkers: 0,
      writerWorkers: 0,
      env: { RATE_LIMIT_AUTH_PER_MIN: '3', TRUST_PROXY_HOPS: '1' },
    });
    proxy = await startForwardingProxy(stack.baseUrl);
  });
  afterAll(async () => {
    await proxy?.close();
    await stack?.stop();
  });

  it('give two clients behind the same proxy a bucket each, keyed on their own address', async () => {
    const alice = [];
    for (let i = 0; i < 4; i++) alice.push(await guestFrom('127.0.0.2', proxy.url));
    expect(alice).toEqual([201, 201, 201, 429]);
    // Every request reached the gateway from the proxy's address; Bob's bucket is still his own.
    expect(await guestFrom('127.0.0.3', proxy.url)).toBe(201);
  });

  it('cannot be dodged by sending a made-up X-Forwarded-For: only the proxy’s entry counts', async () => {
    const spoofed = [];
    for (const address of ['203.0.113.1', '203.0.113.2']) {
      spoofed.push(await guestFrom('127.0.0.2', proxy.url, { 'x-forwarded-for': address }));
    }
    expect(spoofed).toEqual([429, 429]);
  });
});
