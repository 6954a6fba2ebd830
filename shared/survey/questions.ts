import type { Localized } from '../personas/persona';
import type { AxisId } from './axes';

export interface SurveyOption {
  readonly value: number;
  readonly label: Localized;
}

/**
 * One survey question. `direction` says which pole agreeing pushes toward: 1 toward the axis's
 * `high` pole, -1 toward its `low` pole.
 *
 * How an answer becomes a contribution (see `answerContribution` in survey.ts): option values
 * are consecutive integers, and the lowest maps to -1, the highest to +1, linearly in between,
 * then multiplied by `direction`. A likert answer 1..5 therefore gives -1, -0.5, 0, 0.5, 1; a
 * three-option choice gives -1, 0, 1; a two-option choice gives -1, 1. Choice options are
 * listed in that order, so their order is part of the scoring.
 */
export interface SurveyQuestion {
  /** Stored with every answer: never rename or reuse an id; retire it and add a new one. */
  readonly id: string;
  readonly axis: AxisId;
  readonly direction: 1 | -1;
  readonly kind: 'likert' | 'choice';
  readonly text: Localized;
  readonly options: readonly SurveyOption[];
}

const likertOptions: readonly SurveyOption[] = [
  { value: 1, label: { ko: '전혀 아니다', en: 'Strongly disagree' } },
  { value: 2, label: { ko: '아니다', en: 'Disagree' } },
  { value: 3, label: { ko: '보통이다', en: 'Neutral' } },
  { value: 4, label: { ko: '그렇다', en: 'Agree' } },
  { value: 5, label: { ko: '매우 그렇다', en: 'Strongly agree' } },
];

function likert(id: string, axis: AxisId, direction: 1 | -1, text: Localized): SurveyQuestion {
  return { id, axis, direction, kind: 'likert', text, options: likertOptions };
}

function choice(
  id: string,
  axis: AxisId,
  direction: 1 | -1,
  text: Localized,
  labels: readonly Localized[],
): SurveyQuestion {
  return {
    id,
    axis,
    direction,
    kind: 'choice',
    text,
    options: labels.map((label, i) => ({ value: i + 1, label })),
  };
}

/** Survey version 1. Shown in this order; ids and option values are stored contracts. */
export const questionsV1: readonly SurveyQuestion[] = [
  likert('q01-tone-jokes', 'tone', 1, {
    ko: '대화 중에 농담이나 장난스러운 말을 들으면 기분이 좋아진다.',
    en: 'A joke or a playful remark in a conversation lifts my mood.',
  }),
  likert('q02-tone-polite', 'tone', -1, {
    ko: '대화 상대가 예의 바르고 정돈된 말투를 쓰면 좋겠다.',
    en: 'I prefer a conversation partner who speaks politely and properly.',
  }),
  likert('q03-depth-reasons', 'depth', 1, {
    ko: '답을 들을 때 이유와 배경까지 자세히 알고 싶다.',
    en: 'When I get an answer, I want the reasons and background too.',
  }),
  likert('q04-warmth-empathy-first', 'warmth', 1, {
    ko: '고민을 털어놓을 때는 해결책보다 공감을 먼저 받고 싶다.',
    en: 'When I share a worry, I want empathy before solutions.',
  }),
  likert('q05-pace-upbeat', 'pace', 1, {
    ko: '신나고 활기찬 분위기의 대화가 좋다.',
    en: 'I like conversations with an upbeat, lively energy.',
  }),
  choice(
    'q06-tone-greeting',
    'tone',
    1,
    { ko: '대화 상대가 어떻게 인사하면 좋을까요?', en: 'How would you like to be greeted?' },
    [
      { ko: '안녕하십니까. 무엇을 도와드릴까요?', en: 'Good afternoon. How may I help you?' },
      { ko: '안녕하세요! 오늘 하루는 어떠세요?', en: 'Hi there! How is your day going?' },
      { ko: '왔구나! 오늘은 또 무슨 재밌는 일 있었어? 😄', en: 'Hey you! What fun thing happened today? 😄' },
    ],
  ),
  likert('q07-depth-key-point', 'depth', -1, {
    ko: '긴 설명보다 핵심만 짧게 듣는 편이 좋다.',
    en: "I'd rather hear just the key point than a long explanation.",
  }),
  likert('q08-warmth-facts', 'warmth', -1, {
    ko: '감정적인 위로보다 사실과 논리에 근거한 조언이 더 도움이 된다.',
    en: 'Advice grounded in facts and logic helps me more than emotional comfort.',
  }),
  likert('q09-pace-unhurried', 'pace', -1, {
    ko: '천천히, 여유 있게 이어지는 대화가 편하다.',
    en: "I'm most at ease when a conversation moves slowly and unhurried.",
  }),
  likert('q10-tone-emoji', 'tone', 1, {
    ko: '이모티콘과 감탄사가 섞인 가벼운 대화가 편하다.',
    en: "I'm comfortable with casual chat full of emoji and exclamations.",
  }),
  choice(
    'q11-depth-answer-length',
    'depth',
    1,
    { ko: '어떤 답변이 가장 마음에 드나요?', en: 'Which kind of answer suits you best?' },
    [
      { ko: '한두 문장으로 끝나는 답', en: 'One or two sentences' },
      { ko: '짧은 단락 하나', en: 'A short paragraph' },
      { ko: '예시까지 곁들인 자세한 설명', en: 'A thorough explanation with examples' },
    ],
  ),
  likert('q12-warmth-check-in', 'warmth', 1, {
    ko: '대화 상대가 내 기분을 물어봐 주면 좋다.',
    en: 'I like it when my conversation partner asks how I am feeling.',
  }),
  choice(
    'q13-warmth-rough-day',
    'warmth',
    1,
    {
      ko: '힘든 하루를 보냈다고 말했을 때, 어떤 대답이 더 좋나요?',
      en: 'You mention you had a rough day. Which reply would you rather get?',
    },
    [
      {
        ko: '무슨 일이 있었는지 정리해 보고 해결 방법을 찾아봐요.',
        en: "Let's lay out what happened and find a fix.",
      },
      {
        ko: '정말 고생 많았어요. 어떤 일이 있었는지 들려줄래요?',
        en: 'That sounds exhausting. Want to tell me about it?',
      },
    ],
  ),
  likert('q14-depth-many-angles', 'depth', 1, {
    ko: '한 주제를 여러 각도에서 깊이 파고드는 대화가 즐겁다.',
    en: 'I enjoy conversations that dig into one topic from many angles.',
  }),
  // Listed from the energetic pole down, hence direction -1: the first option scores +1 on pace.
  choice(
    'q15-pace-weekend',
    'pace',
    -1,
    {
      ko: '대화 상대와 주말을 함께 보낸다면 어떻게 보내고 싶나요?',
      en: 'If you spent a weekend with your conversation partner, what would you do?',
    },
    [
      { ko: '새로운 곳으로 즉흥 여행을 떠나기', en: 'Take a spontaneous trip somewhere new' },
      { ko: '동네 맛집과 전시를 구경하기', en: 'Wander around local cafés and exhibitions' },
      { ko: '집에서 차를 마시며 책 읽기', en: 'Stay in with tea and a good book' },
    ],
  ),
];
