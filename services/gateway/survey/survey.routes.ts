import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { localizedPersona } from '../../../shared/personas/persona';
import { personaById } from '../../../shared/personas/personas';
import { axes, axisIds } from '../../../shared/survey/axes';
import { scoreSurvey } from '../../../shared/survey/scoring';
import {
  LocalizedSurvey,
  localizedSurvey,
  SurveyAnswersBody,
  survey,
  validateAnswers,
} from '../../../shared/survey/survey';
import { ErrorBody, errorResponses, LangQuery, PersonaSummary } from '../http.schemas';
import { langOf } from '../lang';
import { HttpError } from '../plugins/errors';
import type { SurveyProgress } from './survey.progress';

const Scores = Type.Record(Type.String(), Type.Number({ minimum: -1, maximum: 1 }));
export const Complete = Type.Object({
  status: Type.Literal('complete'),
  persona: Type.Intersect([PersonaSummary, Type.Object({ axes: Type.Optional(Scores) })]),
  scores: Scores,
  axes: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), low: Type.String(), high: Type.String() }),
  ),
  explanation: Type.Array(
    Type.Object({
      questionId: Type.String(),
      axis: Type.String(),
      contribution: Type.Number(),
      text: Type.String(),
    }),
  ),
});
export const Pending = Type.Object({
  status: Type.Literal('pending'),
  persisted: Type.Integer(),
  total: Type.Integer(),
});
export const Incomplete = Type.Object({
  status: Type.Literal('incomplete'),
  missing: Type.Array(Type.String()),
});

export interface SurveyRouteDeps {
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  progress: SurveyProgress;
}

export const surveyRoutes: FastifyPluginAsyncTypebox<SurveyRouteDeps> = async (app, deps) => {
  app.get(
    '/api/survey',
    {
      schema: {
        tags: ['survey'],
        summary: 'The current survey, in Korean or English',
        querystring: LangQuery,
        response: { 200: LocalizedSurvey },
      },
    },
    async (request) => localizedSurvey(langOf(request)),
  );

  app.put(
    '/api/survey/answers',
    {
      preHandler: deps.requireUser,
      schema: {
        tags: ['survey'],
        summary: 'Answer one or many questions; re-answering replaces the earlier answer',
        body: SurveyAnswersBody,
        response: { 202: Type.Object({ accepted: Type.Integer() }), 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const version = request.body.version ?? survey.version;
      const check = validateAnswers(version, request.body.answers);
      if (!check.ok)
        throw new HttpError(check.code === 'wrong_version' ? 409 : 400, check.code, check.message);
      await deps.progress.accept(request.userId, version, request.body.answers);
      return reply.code(202).send({ accepted: request.body.answers.length });
    },
  );

  app.get(
    '/api/survey/result',
    {
      preHandler: deps.requireUser,
      schema: {
        tags: ['survey'],
        summary:
          'complete (persona and scores), pending (answers still being saved) or incomplete (missing questions)',
        querystring: LangQuery,
        response: {
          200: Complete,
          202: Pending,
          409: Type.Union([Incomplete, ErrorBody]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const lang = langOf(request);
      const state = await deps.progress.state(request.userId, survey.version);
      if (state.persisted < state.total) {
        return reply.code(202).send({ status: 'pending', persisted: state.persisted, total: state.total });
      }
      const result = scoreSurvey(state.stored.map((a) => ({ questionId: a.question_id, value: a.value })));
      if (result.missing.length > 0) {
        return reply.code(409).send({ status: 'incomplete', missing: [...result.missing] });
      }
      const persona = personaById(result.personaId);
      return {
        status: 'complete' as const,
        persona: { ...localizedPersona(persona, lang), axes: persona.axes },
        scores: result.scores,
        axes: axisIds.map((id) => ({
          id,
          name: axes[id].name[lang],
          low: axes[id].low[lang],
          high: axes[id].high[lang],
        })),
        explanation: result.explanation.map((e) => ({ ...e, text: e.text[lang] })),
      };
    },
  );
};
