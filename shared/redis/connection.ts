import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` on connections it blocks on;
 * request-path connections fail fast instead, so a Redis outage becomes a 503, not a hang.
 */
export function createRedis(
  url: string,
  opts: { blocking?: boolean; name?: string } & RedisOptions = {},
): Redis {
  const { blocking, name, ...rest } = opts;
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: blocking ? null : 2,
    enableReadyCheck: true,
    lazyConnect: false,
    ...rest,
  });
}
