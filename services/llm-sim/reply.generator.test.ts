import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, generateReply, messageText, personaName } from './reply.generator';

const nova = [
  { role: 'system', content: 'You are Nova, a cheerful travel guide.\nKeep answers short.' },
  { role: 'user', content: 'I want to plan a trip to Jeju with my friends!' },
];
const haneul = [
  { role: 'system', content: '당신은 하늘입니다. 다정한 친구처럼 말해요.' },
  { role: 'user', content: '오늘 날씨가 정말 좋네요! 산책 갈까요?' },
];

describe('generateReply', () => {
  it('gives the same tokens for the same messages and seed', () => {
    expect(generateReply(nova, 42, 120)).toEqual(generateReply(structuredClone(nova), 42, 120));
  });

  it('changes with the seed and with the prompt', () => {
    const base = generateReply(nova, 42, 120).tokens.join('');
    expect(generateReply(nova, 43, 120).tokens.join('')).not.toBe(base);
    const other = [nova[0]!, { role: 'user', content: 'What should I cook tonight?' }];
    expect(generateReply(other, 42, 120).tokens.join('')).not.toBe(base);
  });

  it('opens by introducing the English persona and reflects the user message', () => {
    const reply = generateReply(nova, 42, 120);
    const text = reply.tokens.join('');
    expect(reply.persona).toBe('Nova');
    expect(reply.language).toBe('en');
    expect(text.startsWith('Nova here.')).toBe(true);
    expect(text).toContain('Jeju');
  });

  it('answers in Korean with a Korean persona when the user writes Hangul', () => {
    const reply = generateReply(haneul, 42, 120);
    const text = reply.tokens.join('');
    expect(reply.language).toBe('ko');
    expect(text.startsWith('하늘입니다.')).toBe(true);
    expect(text).toMatch(/[\uac00-\ud7a3]{2,}/);
    expect(text).not.toMatch(/[a-z]{3,}/i);
  });

  it('answers in English to English text even under a Korean persona', () => {
    const reply = generateReply([haneul[0]!, { role: 'user', content: 'How are you today?' }], 42, 120);
    expect(reply.tokens.join('').startsWith('하늘 here.')).toBe(true);
  });

  it('makes word-ish tokens: a word with its leading space, none on the first', () => {
    const { tokens } = generateReply(nova, 7, 120);
    expect(tokens[0]).not.toMatch(/^\s/);
    for (const token of tokens.slice(1)) expect(token).toMatch(/^ \S+$/);
  });

  it('keeps replies between about 20 tokens and maxTokens', () => {
    for (let seed = 0; seed < 200; seed++) {
      const { tokens } = generateReply([{ role: 'user', content: `question number ${seed}` }], seed, 60);
      expect(tokens.length).toBeGreaterThanOrEqual(12);
      expect(tokens.length).toBeLessThanOrEqual(60);
    }
    expect(generateReply(nova, 1, 5).tokens).toHaveLength(5);
  });

  it('ends on a full sentence when it fits', () => {
    const text = generateReply(nova, 3, 120).tokens.join('');
    expect(text).toMatch(/[.?!]$/);
  });

  it('reads text parts of array content', () => {
    const parts = [
      { role: 'system', content: [{ type: 'text', text: 'You are Mira. Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'hello there' }] },
    ];
    expect(generateReply(parts, 42, 120).tokens[0]).toBe('Mira');
    expect(messageText([{ type: 'image_url' }, { type: 'text', text: 'a' }])).toBe('a');
  });
});

describe('personaName', () => {
  it.each([
    ['You are Nova, a guide.', 'Nova'],
    ['You are Captain Jun. Speak plainly.', 'Captain Jun'],
    ['당신은 하늘입니다. 친구예요.', '하늘'],
    ['당신은 민지이며 상냥합니다.', '민지'],
    ['당신은 별, 밤하늘의 안내자.', '별'],
    ['Be helpful.\nYou are Nova.', undefined],
    ['', undefined],
  ])('%j → %s', (prompt, name) => {
    expect(personaName(prompt)).toBe(name);
  });
});

describe('estimatePromptTokens', () => {
  it('counts about four characters per token over all messages', () => {
    expect(estimatePromptTokens([{ role: 'user', content: 'x'.repeat(40) }])).toBe(10);
    expect(estimatePromptTokens(nova)).toBe(
      Math.ceil((nova[0]!.content.length + nova[1]!.content.length) / 4),
    );
  });

  it('echoes "Repeat after me:" text word for word', () => {
    const reply = generateReply(
      [{ role: 'user', content: 'Repeat after me: <b>bold</b> and "quotes"' }],
      1,
      120,
    );
    expect(reply.tokens.join('')).toContain('<b>bold</b> and "quotes"');
  });
});
