import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { onReconnect } from '../../../shared/redis/connection';
import type { RedisKeys } from '../../../shared/redis/keys';
import type { Logger } from '../../../shared/telemetry/logger';

export interface Session {
  userId: string;
  createdAt: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

interface Cached {
  session: Session;
  /** When Redis last confirmed it (and slid its TTL). */
  at: number;
}

/**
 * Sessions are random tokens; Redis keeps them by hash with a sliding TTL. Each gateway remembers
 * the sessions it has seen for `cacheMs`, so a signed-in request costs no Redis round trip; ending
 * a session is announced on the revocation channel, on which every gateway forgets it at once (and
 * a gateway whose subscriber connection was lost forgets them all, since it may have missed one).
 * What it remembers counts only while it is listening: with the subscriber down, every session is
 * asked of Redis again, and a Redis outage answers 503 rather than trusting what might be revoked.
 */
export function createSessionStore(deps: {
  redis: Redis;
  keys: RedisKeys;
  ttlSeconds: number;
  /** The gateway's subscriber connection; without one, nothing is remembered. */
  subscriber?: Redis;
  cacheMs?: number;
  cacheSize?: number;
  log?: Logger;
}) {
  const { redis, keys, ttlSeconds } = deps;
  const cacheMs = deps.subscriber ? (deps.cacheMs ?? 30_000) : 0;
  const cacheSize = deps.cacheSize ?? 50_000;
  const cache = new Map<string, Cached>();
  const channel = keys.sessionRevoked;

  if (deps.subscriber && cacheMs > 0) {
    const subscriber = deps.subscriber;
    subscriber.on('message', (from: string, tokenHash: string) => {
      if (from === channel) cache.delete(tokenHash);
    });
    onReconnect(subscriber, () => cache.clear());
    subscriber.subscribe(channel).catch((error) => {
      deps.log?.warn({ err: error }, 'cannot hear session revocations; sessions are not remembered');
      cache.clear();
    });
  }

  const listening = () => deps.subscriber?.status === 'ready';

  const remember = (tokenHash: string, session: Session) => {
    if (cacheMs === 0) return;
    cache.delete(tokenHash);
    cache.set(tokenHash, { session, at: Date.now() });
    // A Map keeps insertion order: the first key is the least recently confirmed.
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };

  return {
    async create(userId: string): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const session: Session = { userId, createdAt: Date.now() };
      await redis.set(keys.session(hash(token)), JSON.stringify(session), 'EX', ttlSeconds);
      remember(hash(token), session);
      return token;
    },
    async resolve(token: string): Promise<Session | null> {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const tokenHash = hash(token);
      const cached = cache.get(tokenHash);
      if (cached && Date.now() - cached.at < cacheMs && listening()) return cached.session;
      const raw = await redis.getex(keys.session(tokenHash), 'EX', ttlSeconds);
      if (!raw) {
        cache.delete(tokenHash);
        return null;
      }
      const session = JSON.parse(raw) as Session;
      remember(tokenHash, session);
      return session;
    },
    async destroy(token: string): Promise<void> {
      const tokenHash = hash(token);
      cache.delete(tokenHash);
      await redis.multi().del(keys.session(tokenHash)).publish(channel, tokenHash).exec();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
