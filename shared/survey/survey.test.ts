import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { axes, axisIds } from './axes';
import {
  answerContribution,
  LocalizedSurvey,
  localizedSurvey,
  SurveyAnswersBody,
  survey,
  validateAnswers,
} from './survey';

const langs = ['ko', 'en'] as const;
const [likertQ, choiceQ] = [
  survey.questions.find((q) => q.kind === 'likert')!,
  survey.questions.find((q) => q.kind === 'choice')!,
];

describe('survey definition', () => {
  it('has at least 12 questions with unique, stable-looking ids', () => {
    expect(survey.version).toBe(1);
    expect(survey.questions.length).toBeGreaterThanOrEqual(12);
    const ids = survey.questions.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^q\d{2}-[a-z]+(-[a-z]+)*$/);
  });

  it('measures every axis, each from at least three questions', () => {
    expect(axisIds.length).toBeGreaterThanOrEqual(4);
    for (const axis of axisIds) {
      expect(survey.questions.filter((q) => q.axis === axis).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('gives likert questions the five agreement options and choices 2-4 consecutive options', () => {
    for (const q of survey.questions) {
      const values = q.options.map((o) => o.value);
      if (q.kind === 'likert') {
        expect(values).toEqual([1, 2, 3, 4, 5]);
        expect(q.options[0]!.label).toEqual({ ko: '전혀 아니다', en: 'Strongly disagree' });
        expect(q.options[4]!.label).toEqual({ ko: '매우 그렇다', en: 'Strongly agree' });
      } else {
        expect(values.length).toBeGreaterThanOrEqual(2);
        expect(values.length).toBeLessThanOrEqual(4);
        expect(values).toEqual(values.map((_, i) => i + 1));
      }
    }
  });

  it('has every text in both languages, non-empty', () => {
    const texts = [
      ...survey.questions.flatMap((q) => [q.text, ...q.options.map((o) => o.label)]),
      ...Object.values(axes).flatMap((a) => [a.name, a.low, a.high]),
    ];
    for (const text of texts) {
      for (const lang of langs) expect(text[lang].trim()).not.toBe('');
    }
    // Korean text is really Korean, not an English copy.
    for (const q of survey.questions) expect(q.text.ko).toMatch(/[가-힣]/);
  });
});

describe('answerContribution', () => {
  const agree = likertQ.direction;
  it.each([
    [1, -agree],
    [2, -agree / 2],
    [3, 0],
    [4, agree / 2],
    [5, agree],
  ])('likert %i contributes %d (times direction)', (value, expected) => {
    expect(answerContribution(likertQ, value)).toBe(expected);
  });

  it('spreads choice options linearly from -1 to 1, times direction', () => {
    const weekend = survey.questions.find((q) => q.id === 'q15-pace-weekend')!;
    expect(weekend.options.map((o) => answerContribution(weekend, o.value))).toEqual([1, 0, -1]);
    const roughDay = survey.questions.find((q) => q.id === 'q13-warmth-rough-day')!;
    expect(roughDay.options.map((o) => answerContribution(roughDay, o.value))).toEqual([-1, 1]);
  });

  it('gives nothing for a value that is not an option', () => {
    expect(answerContribution(likertQ, 9)).toBe(0);
  });
});

describe('validateAnswers', () => {
  const v = survey.version;
  it('accepts any subset of valid answers, including the full survey', () => {
    expect(validateAnswers(v, [])).toEqual({ ok: true });
    expect(validateAnswers(v, [{ questionId: likertQ.id, value: 5 }])).toEqual({ ok: true });
    const all = survey.questions.map((q) => ({ questionId: q.id, value: q.options[0]!.value }));
    expect(validateAnswers(v, all)).toEqual({ ok: true });
  });

  it.each([
    ['unknown question', v, [{ questionId: 'q99-nope', value: 3 }], 'unknown_question', 'q99-nope'],
    ['likert above range', v, [{ questionId: likertQ.id, value: 6 }], 'invalid_value', likertQ.id],
    ['likert below range', v, [{ questionId: likertQ.id, value: 0 }], 'invalid_value', likertQ.id],
    ['negative', v, [{ questionId: likertQ.id, value: -1 }], 'invalid_value', likertQ.id],
    ['non-integer', v, [{ questionId: likertQ.id, value: 2.5 }], 'invalid_value', likertQ.id],
    ['NaN', v, [{ questionId: likertQ.id, value: Number.NaN }], 'invalid_value', likertQ.id],
    ['choice beyond its options', v, [{ questionId: choiceQ.id, value: 5 }], 'invalid_value', choiceQ.id],
    ['older version', v - 1, [{ questionId: likertQ.id, value: 3 }], 'wrong_version', undefined],
    ['newer version', v + 1, [{ questionId: likertQ.id, value: 3 }], 'wrong_version', undefined],
    [
      'duplicate question',
      v,
      [
        { questionId: likertQ.id, value: 3 },
        { questionId: choiceQ.id, value: 1 },
        { questionId: likertQ.id, value: 4 },
      ],
      'duplicate_question',
      likertQ.id,
    ],
  ])('rejects %s', (_name, version, answers, code, questionId) => {
    const result = validateAnswers(version, answers);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.questionId).toBe(questionId);
    expect(result.message.length).toBeGreaterThan(0);
  });

  it('reports the first bad answer of a batch', () => {
    const result = validateAnswers(v, [
      { questionId: likertQ.id, value: 3 },
      { questionId: 'q00-gone', value: 3 },
      { questionId: choiceQ.id, value: 42 },
    ]);
    expect(result).toMatchObject({ ok: false, code: 'unknown_question', questionId: 'q00-gone' });
  });
});

describe('SurveyAnswersBody', () => {
  it('accepts the body the browser sends and rejects malformed ones', () => {
    expect(
      Value.Check(SurveyAnswersBody, { version: 1, answers: [{ questionId: likertQ.id, value: 4 }] }),
    ).toBe(true);
    expect(Value.Check(SurveyAnswersBody, { answers: [{ questionId: likertQ.id, value: 4 }] })).toBe(true);
    expect(Value.Check(SurveyAnswersBody, { answers: [] })).toBe(false);
    expect(Value.Check(SurveyAnswersBody, { answers: [{ questionId: likertQ.id, value: '4' }] })).toBe(false);
    expect(Value.Check(SurveyAnswersBody, { answers: [{ questionId: likertQ.id }] })).toBe(false);
  });
});

describe('localizedSurvey', () => {
  it.each(langs)('returns the %s texts in survey order and matches its schema', (lang) => {
    const view = localizedSurvey(lang);
    expect(Value.Check(LocalizedSurvey, view)).toBe(true);
    expect(view.version).toBe(survey.version);
    expect(view.questions.map((q) => q.id)).toEqual(survey.questions.map((q) => q.id));
    view.questions.forEach((q, i) => {
      const source = survey.questions[i]!;
      expect(q.kind).toBe(source.kind);
      expect(q.text).toBe(source.text[lang]);
      expect(q.options).toEqual(source.options.map((o) => ({ value: o.value, label: o.label[lang] })));
    });
  });

  it('picks the language asked for', () => {
    expect(localizedSurvey('ko').questions[0]!.text).toMatch(/[가-힣]/);
    expect(localizedSurvey('en').questions[0]!.text).not.toMatch(/[가-힣]/);
    expect(localizedSurvey('en').questions[0]!.options[0]!.label).toBe('Strongly disagree');
  });

  it('does not reveal which axis a question scores or in which direction', () => {
    const json = JSON.stringify(localizedSurvey('en'));
    expect(json).not.toMatch(/"axis"|"direction"/);
    for (const q of localizedSurvey('ko').questions) {
      expect(Object.keys(q).sort()).toEqual(['id', 'kind', 'options', 'text']);
      for (const o of q.options) expect(Object.keys(o).sort()).toEqual(['label', 'value']);
    }
  });
});
