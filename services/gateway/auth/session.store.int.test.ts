import { createHash, randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { createRedis } from '../../../shared/redis/connection';
import { redisKeys } from '../../../shared/redis/keys';
import { createSessionStore } from './session.store';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keys = redisKeys(`test-sessions-${randomUUID()}`);
const redis = createRedis(url, { name: 'test:sessions' });
const connections = [redis];
afterAll(async () => {
  const left = await redis.keys(`${keys.session('')}*`);
  if (left.length) await redis.del(...left);
  for (const connection of connections) connection.disconnect();
});

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const gateway = async () => {
  const subscriber = createRedis(url, { name: 'test:sessions:sub' });
  connections.push(subscriber);
  const store = createSessionStore({ redis, keys, ttlSeconds: 60, subscriber });
  await new Promise((r) => setTimeout(r, 100)); // subscribed
  return { store, subscriber };
};

it('remembers a session while it hears revocations, and forgets one revoked by any gateway', async () => {
  const [a, b] = [await gateway(), await gateway()];
  const token = await a.store.create('user-1');
  expect(await b.store.resolve(token)).toMatchObject({ userId: 'user-1' });

  // Gone from Redis without an announcement: both still answer from memory.
  const raw = await redis.get(keys.session(hash(token)));
  await redis.del(keys.session(hash(token)));
  expect(await a.store.resolve(token)).toMatchObject({ userId: 'user-1' });
  await redis.set(keys.session(hash(token)), raw!, 'EX', 60);

  await a.store.destroy(token);
  await new Promise((r) => setTimeout(r, 100));
  expect(await b.store.resolve(token)).toBeNull();
});

it('asks Redis again while its subscriber is down, since it could miss a revocation', async () => {
  const { store, subscriber } = await gateway();
  const token = await store.create('user-2');
  const closed = new Promise((r) => subscriber.once('end', r));
  subscriber.disconnect();
  await closed;
  await redis.del(keys.session(hash(token)));
  expect(await store.resolve(token)).toBeNull();
});
