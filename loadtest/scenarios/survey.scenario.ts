import { LocalizedSurvey as Survey } from '../../shared/survey/survey';
import type { Iterate } from '../engine/iteration.types';
import { expectShape } from '../http/http.client';
import { signInAsGuest } from './chat.scenario';
import { type ScenarioDeps, step } from './scenario.deps';

type Question = Survey['questions'][number];

export interface SurveyOptions {
  readonly pollIntervalMs: number;
  /** How long the result may stay `pending` before the iteration counts as timed out. */
  readonly completeTimeoutMs: number;
}

function answerFor(q: Question): number {
  return q.options[Math.floor(Math.random() * q.options.length)]!.value;
}

/**
 * A person taking the survey: guest sign-in, the questions, one answer each, then polling the
 * result until the queued writes are persisted and the persona is known.
 */
export function createSurveyScenario(deps: ScenarioDeps, options: SurveyOptions): Iterate {
  const { http, clock, rec } = deps;
  return async ({ intendedAt, signal }) => {
    try {
      const token = await signInAsGuest(deps, intendedAt, signal);
      const survey = await step(deps, 'survey_get', clock.now(), signal, async () =>
        expectShape(
          Survey,
          (await http.json({ method: 'GET', path: '/api/survey', token, expect: [200], signal })).json,
          'survey',
        ),
      );
      const answers = survey.questions.map((q) => ({ questionId: q.id, value: answerFor(q) }));
      const putAt = clock.now();
      await step(deps, 'survey_put', putAt, signal, () =>
        http.json({
          method: 'PUT',
          path: '/api/survey/answers',
          token,
          body: { version: survey.version, answers },
          expect: [202],
          signal,
        }),
      );
      // survey_complete fails only for its own reasons; a failed poll is already counted as one.
      for (;;) {
        rec.count('survey_polls');
        const res = await step(deps, 'survey_result', clock.now(), signal, () =>
          http.json({ method: 'GET', path: '/api/survey/result', token, expect: [200, 202, 409], signal }),
        );
        if (res.status === 200) {
          rec.ok('survey_complete', clock.now() - putAt);
          return true;
        }
        if (res.status === 409) {
          rec.fail('survey_complete', 'survey_incomplete');
          return false;
        }
        const next = clock.now() + options.pollIntervalMs;
        if (next - putAt > options.completeTimeoutMs) {
          rec.fail('survey_complete', 'timeout');
          return false;
        }
        await clock.sleepUntil(next, signal);
      }
    } catch {
      return false;
    }
  };
}
