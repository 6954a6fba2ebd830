import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../shared/jobs/catalog';
import { createChatQueueReader } from './queue.readers';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `aira-test-${randomUUID().slice(0, 8)}`;

describe('chat queue reader', () => {
  let redis: Redis;
  let queue: Queue;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(catalog.chat.name, { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('gives arrival and completion rates from the finished jobs and the queue’s growth', async () => {
    const read = createChatQueueReader({ redis, prefix });
    const first = await read();
    expect(first).toMatchObject({ backlog: 0, active: 0 });
    expect(first.arrivalsPerSecond).toBeUndefined();

    for (let n = 0; n < 10; n++) await queue.add('reply', { n }, catalog.chat.options);
    // Finish six by hand (BullMQ's manual processing), so exactly four stay queued.
    const worker = new Worker(catalog.chat.name, null, { connection: { url: REDIS_URL }, prefix });
    for (let n = 0; n < 6; n++) {
      const token = randomUUID();
      const job = await worker.getNextJob(token);
      await job!.moveToCompleted('ok', token, false);
    }
    await worker.close();

    const second = await read();
    // 10 added, 6 finished, 4 still waiting.
    expect(second).toMatchObject({ backlog: 4, active: 0 });
    expect(second.arrivalsPerSecond).toBeGreaterThan(0);
    expect(second.arrivalsPerSecond! / second.completionsPerSecond!).toBeCloseTo(10 / 6, 5);
  });
});
