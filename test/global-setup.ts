import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

/** Integration tests need the real Redis and MariaDB; say so plainly if either is missing. */
export default async function setup() {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`integration tests need Redis at 127.0.0.1:6379 (${(error as Error).message})`);
  } finally {
    redis.disconnect();
  }
  try {
    const conn = await createConnection(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
    await conn.end();
  } catch (error) {
    throw new Error(
      `integration tests need MariaDB at 127.0.0.1:3306 (root, no password): ${(error as Error).message}`,
    );
  }
}
