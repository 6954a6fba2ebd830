import { sql } from 'kysely';
import { type Db, dialectOf } from './database';
import type { MessageRow, NewMessageRow } from './messages.table';

/** A conversation's messages, oldest first (ties broken so a user turn precedes its reply). */
export function listMessages(
  db: Db,
  userId: string,
  conversationId: string,
  limit = 500,
): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'asc')
    .orderBy('role', 'desc')
    .limit(limit)
    .execute();
}

/** The last `limit` messages of a conversation, oldest first: the prompt context on a cache miss. */
export async function recentMessages(db: Db, conversationId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at', 'desc')
    .orderBy('role', 'asc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

export function findReplyMessage(db: Db, userId: string, replyId: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', replyId)
    .where('user_id', '=', userId)
    .where('role', '=', 'assistant')
    .executeTakeFirst();
}

/** Inserts messages in one statement; ids are unique, so a redelivered message inserts nothing. */
export async function insertMessages(db: Db, rows: NewMessageRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const insert = db.insertInto('messages').values(rows);
  const result =
    dialectOf(db) === 'mysql'
      ? await insert.onDuplicateKeyUpdate({ id: sql`id` }).executeTakeFirst()
      : await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
