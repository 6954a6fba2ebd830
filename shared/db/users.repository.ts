import { sql } from 'kysely';
import { type Db, dialectOf } from './database';
import type { NewUserRow, UserRow } from './users.table';

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** Inserts users that do not exist yet, in one statement; an existing row is left as it is. */
export async function insertUsersIfAbsent(db: Db, rows: NewUserRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const insert = db.insertInto('users').values(rows);
  const result =
    dialectOf(db) === 'mysql'
      ? await insert.onDuplicateKeyUpdate({ id: sql`id` }).executeTakeFirst()
      : await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Sets each user's persona. Callers derive it from the user's stored answers (latest revision of
 * each), so applying it again, or late, gives the same result.
 */
export async function setPersonas(
  db: Db,
  rows: { userId: string; personaId: string; at: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  // One statement for all: persona_id = CASE id WHEN … THEN … END.
  await db
    .updateTable('users')
    .set((eb) => {
      let byId = eb.case('id').when(rows[0]!.userId).then(rows[0]!.personaId);
      for (const row of rows.slice(1)) byId = byId.when(row.userId).then(row.personaId);
      return { persona_id: byId.else(eb.ref('persona_id')).end() };
    })
    .where(
      'id',
      'in',
      rows.map((r) => r.userId),
    )
    .execute();
}
