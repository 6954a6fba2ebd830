import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQueueSnapshot } from './queue-metrics.reader';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('readQueueSnapshot against Redis', () => {
  let redis: Redis;
  let queue: Queue;

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(`test-${randomUUID()}`, { connection: redis });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
  });

  it('reports zero for an empty queue', async () => {
    const snapshot = await readQueueSnapshot(queue, Date.now());
    expect(snapshot).toMatchObject({ backlog: 0, oldestAgeSeconds: 0 });
  });

  it('counts waiting and prioritized jobs and ages the oldest waiting one', async () => {
    const now = Date.now();
    await queue.add('reply', { n: 1 }, { timestamp: now - 30_000 });
    await queue.add('reply', { n: 2 }, { timestamp: now - 10_000 });
    await queue.add('reply', { n: 3 }, { timestamp: now - 1_000 });
    await queue.add('reply', { n: 4 }, { priority: 1, timestamp: now - 50_000 });

    const snapshot = await readQueueSnapshot(queue, now);

    expect(snapshot.queue).toBe(queue.name);
    expect(snapshot).toMatchObject({ waiting: 3, prioritized: 1, active: 0, backlog: 4 });
    expect(snapshot.oldestAgeSeconds).toBeCloseTo(30, 3);
  });
});
