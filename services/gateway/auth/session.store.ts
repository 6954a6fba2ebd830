import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/redis/keys';

export interface Session {
  userId: string;
  createdAt: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Sessions are random tokens; Redis keeps them by hash with a sliding TTL. */
export function createSessionStore(deps: { redis: Redis; keys: RedisKeys; ttlSeconds: number }) {
  const { redis, keys, ttlSeconds } = deps;
  return {
    async create(userId: string): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const session: Session = { userId, createdAt: Date.now() };
      await redis.set(keys.session(hash(token)), JSON.stringify(session), 'EX', ttlSeconds);
      return token;
    },
    async resolve(token: string): Promise<Session | null> {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const key = keys.session(hash(token));
      const raw = await redis.getex(key, 'EX', ttlSeconds);
      return raw ? (JSON.parse(raw) as Session) : null;
    },
    async destroy(token: string): Promise<void> {
      await redis.del(keys.session(hash(token)));
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
