import type { Redis } from 'ioredis';
import { registerScripts } from '../../shared/redis/scripts';

/**
 * Counts the jobs each BullMQ worker holds, from the queue's `active` list and the job locks: a
 * BullMQ 5 worker locks a job with the token `<worker.id>:<n>` (`<prefix>:<queue>:<jobId>:lock`).
 * An active job without a lock is stalled or just being taken, and belongs to no one. One script
 * reads them all (lua/bullmqJobLocks-1.lua).
 */
export interface JobLockReader {
  /** Jobs held, by BullMQ worker id. */
  read(): Promise<Map<string, number>>;
}

export function createJobLockReader(deps: { redis: Redis; prefix: string; queue: string }): JobLockReader {
  const { redis } = deps;
  registerScripts(redis);
  const base = `${deps.prefix}:${deps.queue}:`;

  return {
    async read() {
      const tokens = await redis.bullmqJobLocks(`${base}active`, base);
      if (!Array.isArray(tokens)) {
        throw new Error(
          `Reading the job locks of BullMQ queue "${deps.queue}" returned ${JSON.stringify(tokens)}`,
        );
      }
      const held = new Map<string, number>();
      for (const token of tokens) {
        const owner = String(token).replace(/:\d+$/, '');
        held.set(owner, (held.get(owner) ?? 0) + 1);
      }
      return held;
    },
  };
}
