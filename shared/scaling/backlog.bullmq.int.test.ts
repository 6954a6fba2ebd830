import { randomUUID } from 'node:crypto';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqBacklogReader } from './backlog.bullmq';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `aira-test-${randomUUID().slice(0, 8)}`;

let redis: Redis;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function newQueue(): { name: string; queue: Queue } {
  const name = `backlog-${randomUUID()}`;
  const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix });
  cleanups.push(() => queue.obliterate({ force: true }).then(() => queue.close()));
  return { name, queue };
}

/** A worker that takes one job and holds it until released. */
async function holdOneJob(name: string): Promise<{ job: Job; release: () => void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: (job: Job) => void;
  const active = new Promise<Job>((resolve) => {
    started = resolve;
  });
  const worker = new Worker(
    name,
    async (job) => {
      started(job);
      await held;
    },
    { connection: { url: REDIS_URL }, prefix, concurrency: 1 },
  );
  cleanups.push(async () => {
    release();
    await worker.close();
  });
  return { job: await active, release };
}

describe('createBullmqBacklogReader', () => {
  it('counts every state and ages the oldest waiting job by the Redis clock', async () => {
    const { name, queue } = newQueue();
    const reader = createBullmqBacklogReader({ redis, prefix });

    expect(await reader.read(name)).toMatchObject({
      waiting: 0,
      prioritized: 0,
      active: 0,
      delayed: 0,
      backlog: 0,
      oldestWaitingTimestampMs: null,
      oldestAgeSeconds: 0,
    });

    await queue.add('reply', { n: 0 });
    const { job } = await holdOneJob(name);
    expect(job.data).toEqual({ n: 0 });

    const [serverSeconds] = await redis.time();
    const serverNow = Number(serverSeconds) * 1000;
    await queue.add('reply', { n: 1 }, { timestamp: serverNow - 30_000 });
    await queue.add('reply', { n: 2 }, { timestamp: serverNow - 10_000 });
    await queue.add('reply', { n: 3 });

    const fifo = await reader.read(name);
    expect(fifo).toMatchObject({ waiting: 3, paused: 0, prioritized: 0, active: 1, delayed: 0, backlog: 4 });
    expect(fifo.oldestWaitingTimestampMs).toBe(serverNow - 30_000);
    expect(fifo.oldestAgeSeconds).toBeGreaterThanOrEqual(30);
    expect(fifo.oldestAgeSeconds).toBeLessThan(32);

    await queue.add('reply', { n: 4 }, { priority: 1, timestamp: serverNow - 45_000 });
    await queue.add('reply', { n: 5 }, { priority: 5 });
    await queue.add('reply', { n: 6 }, { delay: 60_000 });

    const all = await reader.read(name);
    expect(all).toMatchObject({ waiting: 3, prioritized: 2, active: 1, delayed: 1, backlog: 6 });
    expect(all.oldestWaitingTimestampMs).toBe(serverNow - 45_000);
    expect(all.oldestAgeSeconds).toBeGreaterThanOrEqual(45);
    expect(all.oldestAgeSeconds).toBeLessThan(47);
    expect(Math.abs(all.serverTimeMs - Date.now())).toBeLessThan(5_000);
  });

  it('ages a LIFO job pushed to the other end of the wait list', async () => {
    const { name, queue } = newQueue();
    const reader = createBullmqBacklogReader({ redis, prefix });
    const [serverSeconds] = await redis.time();
    const serverNow = Number(serverSeconds) * 1000;
    await queue.add('reply', { n: 1 }, { timestamp: serverNow - 5_000 });
    await queue.add('reply', { n: 2 }, { lifo: true, timestamp: serverNow - 20_000 });

    const backlog = await reader.read(name);
    expect(backlog.waiting).toBe(2);
    expect(backlog.oldestWaitingTimestampMs).toBe(serverNow - 20_000);
  });

  it('counts the jobs that completed or failed for good after a time, and none when not asked', async () => {
    const { name, queue } = newQueue();
    const reader = createBullmqBacklogReader({ redis, prefix });
    await queue.add('reply', { n: 0 });
    const before = await reader.read(name);
    for (let n = 1; n <= 5; n++) await queue.add('reply', { n, fail: n === 5 }, { attempts: 1 });
    const done = new Promise<void>((resolve) => {
      let finished = 0;
      const worker = new Worker(
        name,
        async (job) => {
          if (job.data.fail) throw new Error('refused');
        },
        { connection: { url: REDIS_URL }, prefix, concurrency: 4 },
      );
      const count = () => {
        if (++finished === 6) resolve();
      };
      worker.on('completed', count);
      worker.on('failed', count);
      cleanups.push(() => worker.close());
    });
    await done;
    const after = await reader.read(name, { finishedSinceMs: before.serverTimeMs - 1 });
    expect(after.finishedSince).toBe(6);
    expect(after.backlog).toBe(0);
    expect((await reader.read(name, { finishedSinceMs: after.serverTimeMs + 1000 })).finishedSince).toBe(0);
    expect((await reader.read(name)).finishedSince).toBe(0);
  });

  it('fails loudly, naming the key, when a queue key has the wrong type', async () => {
    const { name, queue } = newQueue();
    await queue.add('reply', { n: 1 });
    await redis.set(`${prefix}:${name}:active`, 'not a list');
    const reader = createBullmqBacklogReader({ redis, prefix });

    await expect(reader.read(name)).rejects.toThrow(
      `Reading the backlog of BullMQ queue "${name}" failed: AIRA_BACKLOG_WRONGTYPE ${prefix}:${name}:active is a string, BullMQ keeps a list there`,
    );
    await redis.del(`${prefix}:${name}:active`);
  });

  it('fails loudly when a zset key has the wrong type', async () => {
    const { name } = newQueue();
    await redis.rpush(`${prefix}:${name}:prioritized`, 'x');
    const reader = createBullmqBacklogReader({ redis, prefix });
    await expect(reader.read(name)).rejects.toThrow(/prioritized is a list, BullMQ keeps a zset there/);
    await redis.del(`${prefix}:${name}:prioritized`);
  });
});
