import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Db } from '../../../shared/db/database';
import { findUserById } from '../../../shared/db/users.repository';
import type { Lang } from '../../../shared/jobs/chat.job';
import { personaById } from '../../../shared/personas/personas';
import type { RedisKeys } from '../../../shared/redis/keys';
import { isRedisFull } from '../../../shared/redis/redis.full';
import type { WritesProducer } from '../../../shared/sqs/writes.producer';
import type { PublicUser } from '../http.schemas';

/** A user as the request path knows it. */
export interface UserRecord {
  id: string;
  email: string | null;
  displayName: string;
  personaId: string | null;
  createdAt: number;
}

/**
 * Users on the request path: Redis holds each active user's profile (a guest exists there before
 * the writer has stored it), the database is the fallback and the record of truth.
 */
export function createUserStore(deps: {
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  writes: WritesProducer;
  ttlSeconds: number;
}) {
  const { redis, keys, db } = deps;

  const cache = async (user: UserRecord) => {
    await redis.set(keys.user(user.id), JSON.stringify(user), 'EX', deps.ttlSeconds);
  };

  return {
    cache,
    async get(userId: string): Promise<UserRecord | null> {
      const raw = await redis.get(keys.user(userId));
      if (raw) return JSON.parse(raw) as UserRecord;
      const row = await findUserById(db, userId);
      if (!row) return null;
      const user: UserRecord = {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        personaId: row.persona_id,
        createdAt: row.created_at,
      };
      // Only a copy: a Redis too full to keep it still lets the user be read from the database.
      await cache(user).catch((error) => {
        if (!isRedisFull(error)) throw error;
      });
      return user;
    },
    /** A guest: cached at once, persisted through the writes queue. */
    async createGuest(): Promise<UserRecord> {
      const user: UserRecord = {
        id: randomUUID(),
        email: null,
        displayName: `guest-${randomUUID().slice(0, 8)}`,
        personaId: null,
        createdAt: Date.now(),
      };
      await cache(user);
      await deps.writes.send({
        v: 1,
        kind: 'user.created',
        userId: user.id,
        displayName: user.displayName,
        at: user.createdAt,
      });
      return user;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

export function toPublicUser(user: UserRecord, lang: Lang): PublicUser {
  const persona = user.personaId ? personaById(user.personaId) : null;
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    isGuest: user.email === null,
    persona: persona
      ? {
          id: persona.id,
          name: persona.name[lang],
          description: persona.description[lang],
          greeting: persona.greeting[lang],
        }
      : null,
    createdAt: user.createdAt,
  };
}
