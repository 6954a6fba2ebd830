import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/harness/client';
import { createJobLockReader } from './locks.bullmq';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('BullMQ job locks by worker', () => {
  const prefix = `test-locks-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(url);
  const connection = { url, maxRetriesPerRequest: null };
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts the jobs each worker holds, and forgets them when they finish', async () => {
    const queue = new Queue('chat', { connection, prefix });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const busy = new Worker('chat', () => held, { connection, prefix, concurrency: 2 });
    await busy.waitUntilReady();
    await Promise.all([1, 2].map((n) => queue.add('reply', { n }, { jobId: `job-${n}` })));
    const reader = createJobLockReader({ redis, prefix, queue: 'chat' });

    const reading = await eventually(
      () => reader.read(),
      (m) => m.get(busy.id) === 2,
    );
    expect([...reading.keys()]).toEqual([busy.id]);

    const idle = new Worker('chat', async () => undefined, { connection, prefix });
    await idle.waitUntilReady();
    expect((await reader.read()).get(idle.id)).toBeUndefined();

    release();
    await eventually(
      () => reader.read(),
      (m) => m.size === 0,
    );
    await Promise.all([busy.close(), idle.close(), queue.close()]);
  });
});
