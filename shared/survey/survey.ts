import { type Static, Type } from '@sinclair/typebox';
import type { Lang } from '../jobs/chat.job';
import { questionsV1, type SurveyQuestion } from './questions';

export type { AxisId } from './axes';
export type { SurveyOption, SurveyQuestion } from './questions';

export interface SurveyDefinition {
  readonly version: number;
  readonly questions: readonly SurveyQuestion[];
}

/**
 * The survey people take. Answers are stored by question id together with this version, so
 * both are stored contracts: changing a question's meaning, options or order of options means
 * a new version (and new question ids), never an edit in place.
 */
export const survey: SurveyDefinition = { version: 1, questions: questionsV1 };

/**
 * How far an answer pushes the question's axis, in [-1, 1] (positive toward the `high` pole).
 * Option values are consecutive, so the lowest maps to -1 and the highest to +1, linearly; an
 * answer that is not one of the options contributes nothing.
 */
export function answerContribution(question: SurveyQuestion, value: number): number {
  const values = question.options.map((o) => o.value);
  if (!values.includes(value)) return 0;
  const min = Math.min(...values);
  const max = Math.max(...values);
  // `|| 0`: a neutral answer on a reversed question is 0, not -0.
  return question.direction * (((value - min) / (max - min)) * 2 - 1) || 0;
}

/** One answer as the browser sends it; range and existence are checked by `validateAnswers`. */
export const SurveyAnswer = Type.Object(
  {
    questionId: Type.String({ minLength: 1, maxLength: 64 }),
    value: Type.Integer({ minimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);
export type SurveyAnswer = Static<typeof SurveyAnswer>;

/** Body of `PUT /api/survey/answers`. Without `version` the answers are for the current survey. */
export const SurveyAnswersBody = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    answers: Type.Array(SurveyAnswer, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type SurveyAnswersBody = Static<typeof SurveyAnswersBody>;

export type AnswerErrorCode = 'unknown_question' | 'invalid_value' | 'wrong_version' | 'duplicate_question';

export type AnswersCheck =
  | { ok: true }
  | { ok: false; code: AnswerErrorCode; message: string; questionId?: string };

/**
 * Checks a batch of answers against the survey before anything is enqueued, so bad input is a
 * 4xx at the gateway and never a poison message in the writes queue. The first problem wins.
 * A batch may answer any subset of the questions, but each question at most once.
 */
export function validateAnswers(
  version: number,
  answers: readonly { questionId: string; value: number }[],
  surveyDef: SurveyDefinition = survey,
): AnswersCheck {
  if (version !== surveyDef.version) {
    return {
      ok: false,
      code: 'wrong_version',
      message: `Survey version ${version} is not the current version ${surveyDef.version}; reload the survey`,
    };
  }
  const byId = new Map(surveyDef.questions.map((q) => [q.id, q]));
  const seen = new Set<string>();
  for (const { questionId, value } of answers) {
    const question = byId.get(questionId);
    if (!question) {
      return { ok: false, code: 'unknown_question', questionId, message: `No question ${questionId}` };
    }
    if (!Number.isInteger(value) || !question.options.some((o) => o.value === value)) {
      const allowed = question.options.map((o) => o.value).join(', ');
      return {
        ok: false,
        code: 'invalid_value',
        questionId,
        message: `Answer ${value} to ${questionId} is not one of ${allowed}`,
      };
    }
    if (seen.has(questionId)) {
      return {
        ok: false,
        code: 'duplicate_question',
        questionId,
        message: `${questionId} is answered more than once in one request`,
      };
    }
    seen.add(questionId);
  }
  return { ok: true };
}

/** `GET /api/survey`: the questions in one language, without the axes they score. */
export const LocalizedSurvey = Type.Object(
  {
    version: Type.Integer(),
    questions: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          kind: Type.Union([Type.Literal('likert'), Type.Literal('choice')]),
          text: Type.String(),
          options: Type.Array(
            Type.Object({ value: Type.Integer(), label: Type.String() }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type LocalizedSurvey = Static<typeof LocalizedSurvey>;

/**
 * The survey as a person sees it. Axis and direction stay on the server: showing them would
 * invite answering toward a persona rather than honestly.
 */
export function localizedSurvey(lang: Lang, surveyDef: SurveyDefinition = survey): LocalizedSurvey {
  return {
    version: surveyDef.version,
    questions: surveyDef.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      text: q.text[lang],
      options: q.options.map((o) => ({ value: o.value, label: o.label[lang] })),
    })),
  };
}
