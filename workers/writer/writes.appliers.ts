import type { ChainableCommander } from 'ioredis';
import { insertConversations } from '../../shared/db/conversations.repository';
import type { Db } from '../../shared/db/database';
import { insertMessages } from '../../shared/db/messages.repository';
import { listAnswersOfUsers, upsertAnswers } from '../../shared/db/survey-answers.repository';
import { insertUsersIfAbsent, setPersonas } from '../../shared/db/users.repository';
import type { WriteKind, WriteOf } from '../../shared/jobs/writes.messages';
import type { RedisKeys } from '../../shared/redis/keys';
import { turnRows } from '../../shared/replies/turn';
import { scoreSurvey } from '../../shared/survey/scoring';
import { survey } from '../../shared/survey/survey';

/**
 * How each kind of write reaches the database: one statement for all messages of a kind in a batch,
 * idempotent (unique keys), so a redelivered message writes nothing twice. A kind without an
 * applier does not compile.
 */
export const appliers = {
  'user.created': async (db, messages) => {
    const inserted = await insertUsersIfAbsent(
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
    );
    // Answers stored before the user row (writes of one user can arrive out of order when the queue
    // does not hold a group back, as the local emulator does not) get their persona now.
    await assignPersonas(
      db,
      messages.map((m) => m.userId),
      Math.max(...messages.map((m) => m.at)),
    );
    return inserted;
  },
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
  'chat.turn': (db, messages) => insertMessages(db, messages.flatMap(turnRows)),
  'survey.answers': async (db, messages) => {
    await upsertAnswers(
      db,
      messages.flatMap((m) =>
        m.answers.map((a) => ({
          user_id: m.userId,
          survey_version: m.surveyVersion,
          question_id: a.questionId,
          value: a.value,
          revision: m.revision,
          updated_at: m.at,
        })),
      ),
    );
    const current = messages.filter((m) => m.surveyVersion === survey.version);
    await assignPersonas(
      db,
      current.map((m) => m.userId),
      Math.max(...current.map((m) => m.at)),
    );
    return messages.length;
  },
} satisfies { [K in WriteKind]: (db: Db, messages: WriteOf<K>[]) => Promise<number> };

/**
 * Once a user has answered every question of the current survey, their chatbot type is stored on
 * the user, in the same transaction as the answers, so the result and the persona never disagree.
 */
async function assignPersonas(db: Db, users: string[], at: number): Promise<void> {
  const userIds = [...new Set(users)];
  const answers = await listAnswersOfUsers(db, userIds, survey.version);
  const personas = userIds.flatMap((userId) => {
    const result = scoreSurvey(
      answers.filter((a) => a.user_id === userId).map((a) => ({ questionId: a.question_id, value: a.value })),
    );
    return result.missing.length === 0 ? [{ userId, personaId: result.personaId, at }] : [];
  });
  await setPersonas(db, personas);
}

/** What the Redis clean-up after a commit needs. */
export interface AfterCommitContext {
  keys: RedisKeys;
  /** Seconds a reply's stream stays once its turn is stored (REPLY_STREAM_STORED_TTL_S). */
  storedStreamTtlSeconds: number;
  /** Seconds the record of stored answers lives (as long as the gateway's record of accepted ones). */
  answersTtlSeconds: number;
}

/** Kinds whose Redis copy can go once the database has them (the history reads the database then). */
export const afterCommit: {
  [K in WriteKind]?: (tx: ChainableCommander, ctx: AfterCommitContext, m: WriteOf<K>) => void;
} = {
  // The stream stays a little longer, so a client that lost the end of the reply can still resume
  // it exactly; then it goes, and a client that comes for the reply gets it replayed from the
  // database (services/gateway/replies/reply.routes.ts, using the final event's id the reply hash keeps).
  'chat.turn': (tx, { keys, storedStreamTtlSeconds }, m) => {
    tx.hdel(keys.pendingTurns(m.conversationId), m.replyId);
    tx.expire(keys.replyEvents(m.replyId), storedStreamTtlSeconds);
    // Of the reply hash, what a stream request (owner, status, the final event's id) and a late
    // attempt of its job (endedAt) still need.
    tx.hdel(keys.reply(m.replyId), 'userMessageId', 'createdAt', 'owner', 'attempt');
  },
  // The persona may have changed: the next read of the user loads it from the database. The
  // revisions now stored let the gateway answer a result still being saved without the database.
  'survey.answers': (tx, { keys, answersTtlSeconds }, m) => {
    tx.del(keys.user(m.userId));
    tx.markAnswersStored(
      keys.surveyStored(m.userId, m.surveyVersion),
      answersTtlSeconds,
      ...m.answers.flatMap((a) => [a.questionId, m.revision]),
    );
  },
};

/** Order in which kinds are applied inside a batch: a user before their conversations, those before turns. */
export const applyOrder: readonly WriteKind[] = [
  'user.created',
  'conversation.created',
  'chat.turn',
  'survey.answers',
];
