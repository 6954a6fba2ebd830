import { Redis, type RedisOptions } from 'ioredis';
import { registerScripts } from './scripts';

/** Where a connection reports losing Redis and getting it back (a pino logger fits). */
export interface ConnectionLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * A Redis connection. BullMQ needs `maxRetriesPerRequest: null` on connections it blocks on;
 * request-path connections fail fast instead, so a Redis outage becomes a 503, not a hang.
 * While Redis is away ioredis reconnects and emits an error on every attempt; the log gets one
 * warning when the connection is lost and one line when it is back, not one per attempt.
 */
export function createRedis(
  url: string,
  opts: { blocking?: boolean; name?: string; log?: ConnectionLog } & RedisOptions = {},
): Redis {
  const { blocking, name, log, ...rest } = opts;
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: blocking ? null : 2,
    enableReadyCheck: true,
    lazyConnect: false,
    ...rest,
  });
  // Every connection can run Aira's scripts (EVALSHA; see scripts.ts).
  registerScripts(redis);
  let lost = false;
  redis.on('error', (err: Error) => {
    if (lost) return;
    lost = true;
    log?.warn({ connection: name, err: err.message }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    log?.info({ connection: name }, 'redis connection back');
  });
  return redis;
}

/**
 * Calls `fn` each time the connection is ready again after a loss (not the first time it is ready),
 * however far along it is when this is called.
 */
export function onReconnect(redis: Redis, fn: () => void): void {
  let connectedOnce = redis.status === 'ready';
  redis.on('ready', () => {
    if (connectedOnce) fn();
    connectedOnce = true;
  });
}
