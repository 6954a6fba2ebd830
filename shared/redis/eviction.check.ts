import type { Redis } from 'ioredis';

/**
 * BullMQ keeps jobs in Redis: an evicting Redis would drop queued replies without a trace. Reads
 * the policy from INFO (managed Redis services often refuse CONFIG) and refuses anything else.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const info = await redis.info('memory');
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  if (policy && policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}"; queued jobs could be evicted. Set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, or the parameter group in AWS).`,
    );
  }
}
