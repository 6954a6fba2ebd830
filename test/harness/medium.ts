import { randomUUID } from 'node:crypto';
import { createDb, type Db, migrateToLatest } from '../../shared/db/database';
import { createRedis } from '../../shared/redis/connection';
import { redisKeys } from '../../shared/redis/keys';
import { createTestDatabase, type Dialect } from './databases';

// For medium tests of one part on the real Redis and databases, without the whole stack.

export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own on the shared Redis; `cleanup` deletes every key under it. */
export function prefixedRedis(name: string) {
  const prefix = `test-${name}-${randomUUID().slice(0, 8)}`;
  const redis = createRedis(testRedisUrl, { name: `${prefix}:cmd`, blocking: true });
  return {
    prefix,
    keys: redisKeys(prefix),
    redis,
    async cleanup() {
      const found = await redis.keys(`${prefix}:*`);
      if (found.length) await redis.del(...found);
      redis.disconnect();
    },
  };
}

/** A migrated database of its own in `dialect`; `drop` closes and removes it. */
export async function migratedDatabase(dialect: Dialect): Promise<{ db: Db; drop(): Promise<void> }> {
  const database = await createTestDatabase(dialect);
  const db = createDb({ url: database.url, dataDir: database.dataDir });
  await migrateToLatest(db);
  return {
    db,
    async drop() {
      await db.destroy();
      await database.drop();
    },
  };
}
