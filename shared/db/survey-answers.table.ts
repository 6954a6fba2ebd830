import type { Insertable, Selectable } from 'kysely';

export interface SurveyAnswersTable {
  user_id: string;
  survey_version: number;
  question_id: string;
  value: number;
  /** Increases with every answer a user sends; the highest revision of a question wins. */
  revision: number;
  updated_at: number;
}

export type SurveyAnswerRow = Selectable<SurveyAnswersTable>;
export type NewSurveyAnswerRow = Insertable<SurveyAnswersTable>;
