import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { findConversation, listConversations } from '../../../shared/db/conversations.repository';
import type { Db } from '../../../shared/db/database';
import { listMessages } from '../../../shared/db/messages.repository';
import { defaultPersona } from '../../../shared/personas/personas';
import type { RedisKeys } from '../../../shared/redis/keys';
import {
  type HistoryMessage,
  historyOfRow,
  historyOfTurn,
  mergeMessages,
  type Turn,
} from '../../../shared/replies/turn';
import type { WritesProducer } from '../../../shared/sqs/writes.producer';

export interface ConversationRecord {
  id: string;
  userId: string;
  personaId: string;
  title: string | null;
  createdAt: number;
}

/**
 * Conversations on the request path. A new conversation lives in Redis until the writer has stored
 * it, so reads merge Redis with the database; nothing is written to the database here.
 */
export function createConversationStore(deps: {
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  writes: WritesProducer;
  ttlSeconds: number;
  cacheSize?: number;
}) {
  const { redis, keys, db, ttlSeconds } = deps;
  // Who owns a conversation and in which persona it speaks never change: once looked up, a
  // conversation is checked from memory (a bounded map, oldest out first).
  const known = new Map<string, ConversationRecord>();
  const remember = (record: ConversationRecord) => {
    known.set(record.id, record);
    if (known.size > (deps.cacheSize ?? 50_000)) known.delete(known.keys().next().value as string);
    return record;
  };

  const fromHash = (id: string, h: Record<string, string>): ConversationRecord | null =>
    h.userId
      ? {
          id,
          userId: h.userId,
          personaId: h.personaId ?? defaultPersona.id,
          title: h.title || null,
          createdAt: Number(h.createdAt),
        }
      : null;

  return {
    async create(
      userId: string,
      personaId: string,
      title: string | null = null,
    ): Promise<ConversationRecord> {
      const record: ConversationRecord = {
        id: randomUUID(),
        userId,
        personaId,
        title,
        createdAt: Date.now(),
      };
      await redis
        .multi()
        .hset(keys.conversation(record.id), {
          userId,
          personaId,
          title: title ?? '',
          createdAt: record.createdAt,
        })
        .expire(keys.conversation(record.id), ttlSeconds)
        .zadd(keys.userConversations(userId), record.createdAt, record.id)
        .expire(keys.userConversations(userId), ttlSeconds)
        // A conversation born in Redis has its whole history there: no database read for its prompts.
        .set(keys.turnsComplete(record.id), '1', 'EX', ttlSeconds)
        .exec();
      remember(record);
      await deps.writes.send({
        v: 1,
        kind: 'conversation.created',
        userId,
        conversationId: record.id,
        personaId,
        title,
        at: record.createdAt,
      });
      return record;
    },

    /**
     * The user's conversation, or null: someone else's conversation is as absent as a missing one.
     * For the owner and the persona; its title may be older than the list's.
     */
    async find(userId: string, id: string): Promise<ConversationRecord | null> {
      const seen = known.get(id);
      if (seen) return seen.userId === userId ? seen : null;
      const cached = fromHash(id, await redis.hgetall(keys.conversation(id)));
      if (cached) return remember(cached).userId === userId ? cached : null;
      const row = await findConversation(db, userId, id);
      return row
        ? remember({
            id: row.id,
            userId: row.user_id,
            personaId: row.persona_id,
            title: row.title,
            createdAt: row.created_at,
          })
        : null;
    },

    async list(userId: string): Promise<ConversationRecord[]> {
      const ids = await redis.zrevrange(keys.userConversations(userId), 0, 99);
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.conversation(id));
      const hashes = ids.length ? ((await pipeline.exec()) ?? []) : [];
      const byId = new Map<string, ConversationRecord>();
      for (const row of await listConversations(db, userId)) {
        byId.set(row.id, {
          id: row.id,
          userId,
          personaId: row.persona_id,
          title: row.title,
          createdAt: row.created_at,
        });
      }
      ids.forEach((id, i) => {
        const record = fromHash(id, (hashes[i]?.[1] ?? {}) as Record<string, string>);
        if (record && record.userId === userId && !byId.has(id)) byId.set(id, record);
      });
      return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt);
    },

    /**
     * The history, oldest first: the database's messages plus every turn still on its way there.
     * Pending turns are read before the database, so a turn the writer commits in between is in one or both.
     */
    async history(userId: string, conversationId: string): Promise<HistoryMessage[]> {
      const pending = Object.values(await redis.hgetall(keys.pendingTurns(conversationId))).flatMap((raw) =>
        historyOfTurn(JSON.parse(raw) as Turn),
      );
      const stored = (await listMessages(db, userId, conversationId)).map(historyOfRow);
      return mergeMessages(stored, pending);
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
