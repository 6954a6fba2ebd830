import type { Localized, Persona } from '../personas/persona';
import { surveyPersonas } from '../personas/survey-personas';
import { type AxisId, axes, axisIds } from './axes';
import type { SurveyQuestion } from './questions';
import { answerContribution, type SurveyDefinition, survey } from './survey';

/** One answer that moved the result, worded for the result page. */
export interface ExplanationItem {
  readonly questionId: string;
  readonly axis: AxisId;
  /** In [-1, 1]; positive toward the axis's `high` pole. */
  readonly contribution: number;
  readonly text: Localized;
}

export interface SurveyScore {
  /** Per axis, the mean contribution of its answered questions, in [-1, 1] (0 when none). */
  readonly scores: Record<AxisId, number>;
  readonly personaId: string;
  /** The answers that drove the result most, strongest first. */
  readonly explanation: readonly ExplanationItem[];
  /** Unanswered question ids, in survey order; when not empty the result is provisional. */
  readonly missing: readonly string[];
}

const explanationSize = 5;

/**
 * Scores a person's answers and picks their chatbot type. Pure and deterministic: the order of
 * `answers` does not matter, except that when a question appears more than once the last
 * answer counts (re-answering is the caller's business; pass the final answers). Answers to
 * unknown questions or with values that are not options are ignored, so such a question
 * counts as missing.
 */
export function scoreSurvey(
  answers: readonly { questionId: string; value: number }[],
  surveyDef: SurveyDefinition = survey,
  candidates: readonly Persona[] = surveyPersonas,
): SurveyScore {
  const finalAnswers = new Map<string, number>();
  for (const { questionId, value } of answers) finalAnswers.set(questionId, value);

  const answered: { question: SurveyQuestion; value: number; contribution: number; order: number }[] = [];
  const missing: string[] = [];
  surveyDef.questions.forEach((question, order) => {
    const value = finalAnswers.get(question.id);
    if (value === undefined || !question.options.some((o) => o.value === value)) {
      missing.push(question.id);
      return;
    }
    answered.push({ question, value, contribution: answerContribution(question, value), order });
  });

  const scores = {} as Record<AxisId, number>;
  for (const axis of axisIds) {
    const onAxis = answered.filter((a) => a.question.axis === axis);
    const sum = onAxis.reduce((total, a) => total + a.contribution, 0);
    scores[axis] = onAxis.length === 0 ? 0 : round(sum / onAxis.length);
  }

  // An answer "drove" the result when it pushed its axis the way the axis ended up. Ties in
  // strength keep survey order, so the explanation is as stable as the score.
  const explanation = answered
    .filter((a) => a.contribution !== 0 && Math.sign(a.contribution) === Math.sign(scores[a.question.axis]))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.order - b.order)
    .slice(0, explanationSize)
    .map((a) => ({
      questionId: a.question.id,
      axis: a.question.axis,
      contribution: a.contribution,
      text: explain(a.question, a.value, a.contribution),
    }));

  return { scores, personaId: nearestPersona(scores, candidates).id, explanation, missing };
}

/**
 * The candidate whose prototype is closest to the scores (squared Euclidean distance over all
 * axes). Ties go to the candidate listed first, so the result never depends on anything but
 * the scores and the list. Candidates without prototype axes are never picked.
 */
export function nearestPersona(
  scores: Readonly<Record<AxisId, number>>,
  candidates: readonly Persona[],
): Persona {
  let best: Persona | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const persona of candidates) {
    const prototype = persona.axes;
    if (!prototype) continue;
    // Rounded so that float noise cannot turn an exact tie into a win for a later candidate.
    const distance = round(
      axisIds.reduce((d, axis) => d + (scores[axis] - prototype[axis]) ** 2, 0),
      9,
    );
    if (distance < bestDistance) {
      best = persona;
      bestDistance = distance;
    }
  }
  if (!best) throw new Error('No persona with prototype axes to choose from');
  return best;
}

/** "You said “…” (Agree) → more playful", in both languages. */
function explain(question: SurveyQuestion, value: number, contribution: number): Localized {
  const label = question.options.find((o) => o.value === value)!.label;
  const pole = contribution > 0 ? axes[question.axis].high : axes[question.axis].low;
  if (question.kind === 'likert') {
    const statement = { ko: withoutFinalStop(question.text.ko), en: withoutFinalStop(question.text.en) };
    return {
      ko: `“${statement.ko}”에 ‘${label.ko}’라고 답했어요 → 더 ${pole.ko} 쪽으로`,
      en: `You said “${statement.en}” (${label.en}) → more ${pole.en}`,
    };
  }
  return {
    ko: `“${question.text.ko}”에서 ‘${withoutFinalStop(label.ko)}’${objectParticle(label.ko)} 골랐어요 → 더 ${pole.ko} 쪽으로`,
    en: `You chose “${withoutFinalStop(label.en)}” for “${question.text.en}” → more ${pole.en}`,
  };
}

function withoutFinalStop(text: string): string {
  return text.replace(/\.$/, '');
}

const hangulSyllables = /[\uac00-\ud7a3]/g;

/** 을 after a final consonant, 를 after a vowel, judged by the last Hangul syllable. */
export function objectParticle(word: string): '을' | '를' {
  const last = word.match(hangulSyllables)?.at(-1);
  if (!last) return '를';
  return (last.charCodeAt(0) - 0xac00) % 28 === 0 ? '를' : '을';
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  // `|| 0` turns -0 into 0, so a neutral score compares and serializes as plain 0.
  return Math.round(value * factor) / factor || 0;
}
