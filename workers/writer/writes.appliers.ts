import type { ChainableCommander } from 'ioredis';
import { insertConversations } from '../../shared/db/conversations.repository';
import type { Db } from '../../shared/db/database';
import { insertMessages } from '../../shared/db/messages.repository';
import type { NewMessageRow } from '../../shared/db/messages.table';
import { insertUsersIfAbsent } from '../../shared/db/users.repository';
import type { WriteKind, WriteOf } from '../../shared/jobs/writes.messages';
import type { RedisKeys } from '../../shared/redis/keys';

/**
 * How each kind of write reaches the database: one statement for all messages of a kind in a batch,
 * idempotent (unique keys), so a redelivered message writes nothing twice. A kind without an
 * applier does not compile.
 */
export const appliers = {
  'user.created': (db, messages) =>
    insertUsersIfAbsent(
      db,
      messages.map((m) => ({
        id: m.userId,
        email: null,
        password_hash: null,
        display_name: m.displayName,
        persona_id: null,
        created_at: m.at,
        updated_at: 0,
      })),
    ),
  'conversation.created': (db, messages) =>
    insertConversations(
      db,
      messages.map((m) => ({
        id: m.conversationId,
        user_id: m.userId,
        persona_id: m.personaId,
        title: m.title,
        created_at: m.at,
      })),
    ),
  'chat.turn': (db, messages) =>
    insertMessages(
      db,
      messages.flatMap((m): NewMessageRow[] => [
        {
          id: m.user.id,
          conversation_id: m.conversationId,
          user_id: m.userId,
          reply_id: m.replyId,
          role: 'user',
          content: m.user.content,
          status: 'complete',
          finish_reason: null,
          prompt_tokens: null,
          completion_tokens: null,
          created_at: m.user.at,
        },
        {
          id: m.replyId,
          conversation_id: m.conversationId,
          user_id: m.userId,
          reply_id: m.replyId,
          role: 'assistant',
          content: m.assistant.content,
          status: m.assistant.status,
          finish_reason: m.assistant.finishReason,
          prompt_tokens: m.assistant.usage?.promptTokens ?? null,
          completion_tokens: m.assistant.usage?.completionTokens ?? null,
          created_at: m.assistant.at,
        },
      ]),
    ),
} satisfies { [K in WriteKind]: (db: Db, messages: WriteOf<K>[]) => Promise<number> };

/** Kinds whose Redis copy can go once the database has them (the history reads the database then). */
export const afterCommit: {
  [K in WriteKind]?: (tx: ChainableCommander, keys: RedisKeys, m: WriteOf<K>) => void;
} = {
  'chat.turn': (tx, keys, m) => {
    tx.hdel(keys.pendingTurns(m.conversationId), m.replyId);
  },
};

/** Order in which kinds are applied inside a batch: a user before their conversations, those before turns. */
export const applyOrder: readonly WriteKind[] = ['user.created', 'conversation.created', 'chat.turn'];
