import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Persona } from '../personas/persona';
import { surveyPersonas } from '../personas/survey-personas';
import { type AxisId, axisIds } from './axes';
import { nearestPersona, objectParticle, scoreSurvey } from './scoring';
import { answerContribution, survey } from './survey';

type Answer = { questionId: string; value: number };
type Lean = Record<AxisId, -1 | 0 | 1>;

/** The answer to every question that pushes hardest toward `lean` (the middle option for 0). */
function answersToward(lean: Lean): Answer[] {
  return survey.questions.map((q) => {
    const ranked = [...q.options].sort(
      (a, b) => lean[q.axis] * (answerContribution(q, b.value) - answerContribution(q, a.value)),
    );
    const option = lean[q.axis] === 0 ? q.options[Math.floor((q.options.length - 1) / 2)]! : ranked[0]!;
    return { questionId: q.id, value: option.value };
  });
}

const arbitraryAnswers = fc.tuple(
  ...survey.questions.map((q) =>
    fc.option(fc.constantFrom(...q.options.map((o) => ({ questionId: q.id, value: o.value }))), {
      nil: undefined,
    }),
  ),
);
const present = (answers: (Answer | undefined)[]) => answers.filter((a): a is Answer => a !== undefined);

describe('scoreSurvey', () => {
  it.each<[string, string, Lean]>([
    ['playful, brief, empathetic, energetic', 'sunny-spark', { tone: 1, depth: -1, warmth: 1, pace: 1 }],
    ['playful, brief, analytical, energetic', 'witty-comet', { tone: 1, depth: -1, warmth: -1, pace: 1 }],
    ['playful, deep, empathetic, calm', 'cozy-storyteller', { tone: 1, depth: 1, warmth: 1, pace: -1 }],
    ['playful, deep, analytical, energetic', 'curious-fox', { tone: 1, depth: 1, warmth: -1, pace: 1 }],
    ['formal, brief, empathetic, calm', 'gentle-guide', { tone: -1, depth: -1, warmth: 1, pace: -1 }],
    ['formal, brief, analytical, energetic', 'clear-compass', { tone: -1, depth: -1, warmth: -1, pace: 1 }],
    ['formal, deep, empathetic, calm', 'warm-lantern', { tone: -1, depth: 1, warmth: 1, pace: -1 }],
    ['formal, deep, analytical, calm', 'wise-owl', { tone: -1, depth: 1, warmth: -1, pace: -1 }],
    // Pace against type still keeps the corner of the three main axes.
    ['playful, brief, empathetic but calm', 'sunny-spark', { tone: 1, depth: -1, warmth: 1, pace: -1 }],
    ['formal, deep, analytical but energetic', 'wise-owl', { tone: -1, depth: 1, warmth: -1, pace: 1 }],
  ])('answers leaning %s land on %s', (_name, personaId, lean) => {
    const result = scoreSurvey(answersToward(lean));
    expect(result.personaId).toBe(personaId);
    expect(result.missing).toEqual([]);
    for (const axis of axisIds) expect(result.scores[axis]).toBe(lean[axis]);
  });

  // Written out by hand (not derived from the scoring code), so a slip in directions or option
  // mapping cannot hide behind a helper that shares it.
  it.each<[string, number[], Record<AxisId, number>]>([
    [
      'sunny-spark',
      [5, 1, 1, 5, 5, 3, 5, 1, 1, 5, 1, 5, 2, 1, 1],
      { tone: 1, depth: -1, warmth: 1, pace: 1 },
    ],
    ['wise-owl', [1, 5, 5, 1, 1, 1, 1, 5, 5, 1, 3, 1, 1, 5, 3], { tone: -1, depth: 1, warmth: -1, pace: -1 }],
    [
      'gentle-guide',
      [2, 4, 2, 4, 3, 1, 4, 2, 4, 2, 1, 4, 2, 2, 2],
      { tone: -0.625, depth: -0.625, warmth: 0.625, pace: -0.167 },
    ],
    // Agreeing with everything and taking every first option cancels out except on pace.
    [
      'curious-fox',
      [5, 5, 5, 5, 5, 1, 5, 5, 5, 5, 1, 5, 1, 5, 1],
      { tone: 0, depth: 0, warmth: 0, pace: 0.333 },
    ],
  ])('hand-written answers land on %s', (personaId, values, scores) => {
    const result = scoreSurvey(survey.questions.map((q, i) => ({ questionId: q.id, value: values[i]! })));
    expect(result.scores).toEqual(scores);
    expect(result.personaId).toBe(personaId);
  });

  it('reaches every survey persona from its own prototype direction', () => {
    expect(surveyPersonas.length).toBeGreaterThanOrEqual(8);
    const reached = new Set<string>();
    for (const persona of surveyPersonas) {
      const lean = Object.fromEntries(
        axisIds.map((axis) => [axis, Math.sign(persona.axes![axis]) as -1 | 0 | 1]),
      ) as Lean;
      const { personaId } = scoreSurvey(answersToward(lean));
      expect(personaId).toBe(persona.id);
      reached.add(personaId);
    }
    expect(reached.size).toBe(surveyPersonas.length);
  });

  it('breaks an exact tie by list order: neutral tone, depth and warmth fall to pace', () => {
    // Pace alone separates the types here; the calm ones closest to -1 pace are gentle-guide and
    // warm-lantern (both -0.6), and gentle-guide is listed first.
    // The two-option warmth question has no middle, so it stays unanswered.
    const answers = answersToward({ tone: 0, depth: 0, warmth: 0, pace: -1 });
    const result = scoreSurvey(answers.filter((a) => a.questionId !== 'q13-warmth-rough-day'));
    expect(result.scores).toEqual({ tone: 0, depth: 0, warmth: 0, pace: -1 });
    expect(result.personaId).toBe('gentle-guide');
  });

  it('keeps every score in [-1, 1] and always names a survey persona', () => {
    const ids = new Set(surveyPersonas.map((p) => p.id));
    fc.assert(
      fc.property(arbitraryAnswers, (answers) => {
        const result = scoreSurvey(present(answers));
        for (const axis of axisIds) {
          expect(result.scores[axis]).toBeGreaterThanOrEqual(-1);
          expect(result.scores[axis]).toBeLessThanOrEqual(1);
        }
        expect(ids.has(result.personaId)).toBe(true);
      }),
    );
  });

  it('is deterministic and ignores the order of answers', () => {
    fc.assert(
      fc.property(arbitraryAnswers, fc.integer(), (answers, seed) => {
        const list = present(answers);
        const shuffled = fc.sample(fc.shuffledSubarray(list, { minLength: list.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const first = scoreSurvey(list);
        expect(scoreSurvey(list)).toEqual(first);
        expect(scoreSurvey(shuffled)).toEqual(first);
      }),
    );
  });

  it('lists unanswered questions in survey order and still picks a persona', () => {
    const all = answersToward({ tone: -1, depth: 1, warmth: -1, pace: -1 });
    const dropped = [survey.questions[9]!.id, survey.questions[2]!.id];
    const result = scoreSurvey(all.filter((a) => !dropped.includes(a.questionId)));
    expect(result.missing).toEqual([survey.questions[2]!.id, survey.questions[9]!.id]);
    expect(result.personaId).toBe('wise-owl');

    const empty = scoreSurvey([]);
    expect(empty.missing).toEqual(survey.questions.map((q) => q.id));
    expect(empty.scores).toEqual({ tone: 0, depth: 0, warmth: 0, pace: 0 });
    expect(empty.explanation).toEqual([]);
  });

  it('counts an unknown question or an impossible value as not answered', () => {
    const q = survey.questions[0]!;
    const result = scoreSurvey([
      { questionId: q.id, value: 17 },
      { questionId: 'q99-retired', value: 5 },
    ]);
    expect(result.missing).toContain(q.id);
    expect(result.missing).toHaveLength(survey.questions.length);
  });

  it('takes the last answer when a question was answered more than once', () => {
    const q = survey.questions.find((x) => x.id === 'q01-tone-jokes')!;
    expect(
      scoreSurvey([
        { questionId: q.id, value: 1 },
        { questionId: q.id, value: 5 },
      ]).scores.tone,
    ).toBe(1);
    expect(
      scoreSurvey([
        { questionId: q.id, value: 5 },
        { questionId: q.id, value: 1 },
      ]).scores.tone,
    ).toBe(-1);
  });

  it('averages the answers on an axis', () => {
    const result = scoreSurvey([
      { questionId: 'q01-tone-jokes', value: 5 }, // +1
      { questionId: 'q02-tone-polite', value: 4 }, // reversed: -0.5
    ]);
    expect(result.scores.tone).toBe(0.25);
  });
});

describe('explanation', () => {
  it('names the strongest answers that pushed each axis the way it went, strongest first', () => {
    const answers = answersToward({ tone: 1, depth: -1, warmth: 1, pace: 1 });
    // Soften one tone answer and push one against the grain: neither should be listed first.
    const softened = answers.map((a) => (a.questionId === 'q10-tone-emoji' ? { ...a, value: 4 } : a));
    const against = softened.map((a) => (a.questionId === 'q05-pace-upbeat' ? { ...a, value: 1 } : a));
    const { explanation, scores } = scoreSurvey(against);
    expect(explanation.length).toBe(5);
    const strengths = explanation.map((e) => Math.abs(e.contribution));
    expect(strengths).toEqual([...strengths].sort((a, b) => b - a));
    for (const item of explanation) {
      expect(Math.sign(item.contribution)).toBe(Math.sign(scores[item.axis]));
    }
    expect(explanation.map((e) => e.questionId)).not.toContain('q05-pace-upbeat');
    expect(explanation.map((e) => e.questionId)).not.toContain('q10-tone-emoji');
    // Equal strengths keep survey order.
    expect(explanation[0]!.questionId).toBe('q01-tone-jokes');
  });

  it('reads as a sentence quoting the answer, in both languages', () => {
    const { explanation } = scoreSurvey([
      { questionId: 'q01-tone-jokes', value: 4 },
      { questionId: 'q11-depth-answer-length', value: 1 },
    ]);
    const byId = Object.fromEntries(explanation.map((e) => [e.questionId, e.text]));
    expect(byId['q01-tone-jokes']).toEqual({
      ko: '“대화 중에 농담이나 장난스러운 말을 들으면 기분이 좋아진다”에 ‘그렇다’라고 답했어요 → 더 유쾌한 쪽으로',
      en: 'You said “A joke or a playful remark in a conversation lifts my mood” (Agree) → more playful',
    });
    expect(byId['q11-depth-answer-length']).toEqual({
      ko: '“어떤 답변이 가장 마음에 드나요?”에서 ‘한두 문장으로 끝나는 답’을 골랐어요 → 더 간결한 쪽으로',
      en: 'You chose “One or two sentences” for “Which kind of answer suits you best?” → more concise',
    });
  });

  it('is empty for all-neutral likert answers', () => {
    const neutral = survey.questions
      .filter((q) => q.kind === 'likert')
      .map((q) => ({ questionId: q.id, value: 3 }));
    expect(scoreSurvey(neutral).explanation).toEqual([]);
  });
});

describe('nearestPersona', () => {
  const at = (id: string, tone: number): Persona => ({
    id,
    axes: { tone, depth: 0, warmth: 0, pace: 0 },
    name: { ko: id, en: id },
    description: { ko: id, en: id },
    greeting: { ko: id, en: id },
    style: { ko: id, en: id },
  });
  const origin = { tone: 0, depth: 0, warmth: 0, pace: 0 };

  it('gives a tie to the candidate listed first', () => {
    expect(nearestPersona(origin, [at('left', -0.5), at('right', 0.5)]).id).toBe('left');
    expect(nearestPersona(origin, [at('right', 0.5), at('left', -0.5)]).id).toBe('right');
  });

  it('skips candidates without a prototype and refuses an empty choice', () => {
    const { axes: _none, ...plain } = at('plain', 0);
    expect(nearestPersona(origin, [plain, at('far', 1)]).id).toBe('far');
    expect(() => nearestPersona(origin, [plain])).toThrow(/No persona/);
  });
});

describe('objectParticle', () => {
  it.each([
    ['한두 문장으로 끝나는 답', '을'],
    ['짧은 단락 하나', '를'],
    ['들려줄래요?', '를'],
    ['책 읽기', '를'],
    ['있었어? 😄', '를'],
    ['여행을 떠나기 전', '을'],
  ])('%s takes %s', (word, particle) => {
    expect(objectParticle(word)).toBe(particle);
  });
});
