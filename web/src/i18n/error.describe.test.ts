import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR } from '../api/api.client';
import { memoryStorage } from '../app/storage';
import { describeCode, describeError } from './error.describe';
import { createI18n, type Lang } from './i18n';

function i18nIn(lang: Lang) {
  const i18n = createI18n({ storage: memoryStorage(), onChange: () => {} });
  i18n.setLang(lang);
  return i18n;
}

const serverEnglish = 'body/password must NOT have fewer than 8 characters';

describe('error words', () => {
  it('come from the code and the field, never from the server message', () => {
    const error = new ApiError(400, 'field_too_short', serverEnglish, { field: 'password', limit: 8 });
    expect(describeError(i18nIn('ko'), error)).toBe('비밀번호: 8자 이상이어야 해요.');
    expect(describeError(i18nIn('en'), error)).toBe('Password: Needs at least 8 characters.');
    const wrong = new ApiError(401, 'invalid_credentials', 'The e-mail or password is wrong.');
    expect(describeError(i18nIn('ko'), wrong)).toBe('이메일 또는 비밀번호가 맞지 않아요.');
    expect(describeError(i18nIn('en'), wrong)).not.toContain('e-mail or password is wrong');
  });

  it('say how long to wait when the server says so', () => {
    const limited = new ApiError(429, 'rate_limited', 'Too many requests; retry in 12 s.', {
      retryAfterSeconds: 12,
    });
    expect(describeError(i18nIn('ko'), limited)).toBe('요청이 너무 잦아요. 12초 후에 다시 시도해 주세요.');
    expect(describeError(i18nIn('en'), new ApiError(429, 'rate_limited', ''))).toBe(
      'Too many requests. Please try again in a moment.',
    );
  });

  it('leave out a field the app does not know, and a limit the server did not send', () => {
    expect(
      describeError(i18nIn('en'), new ApiError(400, 'field_invalid', '', { field: 'answers.0.value' })),
    ).toBe('This is not in the right format.');
    expect(describeError(i18nIn('en'), new ApiError(400, 'field_too_long', '', { field: 'title' }))).toBe(
      'Conversation title: This is not in the right format.',
    );
  });

  it('name a code the app has no words for, and say so for a lost connection', () => {
    expect(describeError(i18nIn('en'), new ApiError(418, 'teapot', 'I am a teapot'))).toContain('(teapot)');
    expect(describeError(i18nIn('en'), new ApiError(418, 'teapot', 'I am a teapot'))).not.toContain('I am a');
    expect(describeError(i18nIn('ko'), new ApiError(0, NETWORK_ERROR, 'fetch failed'))).toContain(
      '인터넷 연결',
    );
    expect(describeCode(i18nIn('ko'), 'llm_failed')).toBe('답변을 만들지 못했어요.');
  });
});
