import { sql } from 'kysely';
import type { ConversationRow, NewConversationRow } from './conversations.table';
import { type Db, dialectOf } from './database';

export function findConversation(db: Db, userId: string, id: string): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function listConversations(db: Db, userId: string, limit = 100): Promise<ConversationRow[]> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Inserts conversations in one statement; a redelivered one is skipped. */
export async function insertConversations(db: Db, rows: NewConversationRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const insert = db.insertInto('conversations').values(rows);
  const result =
    dialectOf(db) === 'mysql'
      ? await insert.onDuplicateKeyUpdate({ id: sql`id` }).executeTakeFirst()
      : await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
