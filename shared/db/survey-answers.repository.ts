import { sql } from 'kysely';
import { type Db, dialectOf } from './database';
import type { NewSurveyAnswerRow, SurveyAnswerRow } from './survey-answers.table';

/**
 * Upserts answers in one statement. A row is replaced only by a higher revision, so a redelivered
 * or late older answer never overwrites a newer one, and no answer is ever stored twice.
 */
export async function upsertAnswers(db: Db, rows: NewSurveyAnswerRow[]): Promise<void> {
  if (rows.length === 0) return;
  const insert = db.insertInto('survey_answers').values(rows);
  if (dialectOf(db) === 'mysql') {
    // `value` is assigned before `revision`, while `revision` still holds the stored one.
    await insert
      .onDuplicateKeyUpdate({
        value: sql`IF(VALUES(revision) > revision, VALUES(value), value)`,
        updated_at: sql`IF(VALUES(revision) > revision, VALUES(updated_at), updated_at)`,
        revision: sql`GREATEST(revision, VALUES(revision))`,
      })
      .execute();
    return;
  }
  await insert
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'survey_version', 'question_id'])
        .doUpdateSet({
          value: (eb) => eb.ref('excluded.value'),
          revision: (eb) => eb.ref('excluded.revision'),
          updated_at: (eb) => eb.ref('excluded.updated_at'),
        })
        .where('excluded.revision', '>', (eb) => eb.ref('survey_answers.revision')),
    )
    .execute();
}

export function listAnswers(db: Db, userId: string, version: number): Promise<SurveyAnswerRow[]> {
  return db
    .selectFrom('survey_answers')
    .selectAll()
    .where('user_id', '=', userId)
    .where('survey_version', '=', version)
    .orderBy('question_id')
    .execute();
}

export function listAnswersOfUsers(db: Db, userIds: string[], version: number): Promise<SurveyAnswerRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('survey_answers')
    .selectAll()
    .where('user_id', 'in', userIds)
    .where('survey_version', '=', version)
    .execute();
}
