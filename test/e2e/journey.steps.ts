/**
 * The steps of a new person's journey through the web app, each checking what a person meets
 * there in the language they chose: words from the app's own dictionaries (never the server's
 * English), rules shown before a submit, and axe on every page it passes.
 */
import type { Page, Request } from 'playwright-core';
import { expect } from 'vitest';
import { titleFromMessage } from '../../web/src/chat/conversation.title';
import { errorMessages } from '../../web/src/i18n/error.messages';
import { format, type Lang } from '../../web/src/i18n/i18n';
import { en, ko, type MessageKey } from '../../web/src/i18n/messages';
import { expectAccessible } from './axe.check';
import { lastReply, screenshot, send, waitForStatus } from './web.helpers';

const dictionaries = { ko, en };

export interface Journey {
  page: Page;
  lang: Lang;
  /** `phone-ko`, `desktop-en`: names the screenshots and axe reports. */
  tag: string;
  phone: boolean;
  /** Every POST /api/conversations the page has made, with its body. */
  created: unknown[];
}

export function say(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  return vars ? format(dictionaries[lang][key], vars) : dictionaries[lang][key];
}

const thousands = (lang: Lang, n: number) => new Intl.NumberFormat(lang).format(n);
const shots = new Map<string, number>();

/** axe on the page as it is now, then a screenshot, both under the journey's tag, numbered in order. */
export async function look(journey: Journey, name: string): Promise<void> {
  const n = (shots.get(journey.tag) ?? 0) + 1;
  shots.set(journey.tag, n);
  const file = `${journey.tag}-${String(n).padStart(2, '0')}-${name}`;
  await expectAccessible(journey.page, file);
  await screenshot(journey.page, file);
}

export function watchConversationPosts(page: Page, created: unknown[]): void {
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/conversations') {
      created.push(request.postDataJSON());
    }
  });
}

async function styleOf(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const style = getComputedStyle(el);
      return {
        wordBreak: style.wordBreak,
        overflowWrap: style.overflowWrap,
        fontSize: Number.parseFloat(style.fontSize),
      };
    });
}

export async function welcome(j: Journey): Promise<void> {
  await j.page.goto('/');
  if (j.lang === 'en') await j.page.getByTestId('lang-en').click();
  await expect.poll(() => j.page.getByTestId('start-guest').textContent()).toBe(say(j.lang, 'welcome.guest'));
  expect(await j.page.locator('html').getAttribute('lang')).toBe(j.lang);
  // Korean words break between words, and a long token still wraps.
  expect(await styleOf(j.page, 'h1')).toMatchObject({ wordBreak: 'keep-all', overflowWrap: 'anywhere' });
  await look(j, 'welcome');
}

/** Sign-up shows the password rule before any submit and enforces it in the app's own words. */
export async function signupRules(j: Journey): Promise<void> {
  const { page, lang } = j;
  await page.goto('/#/signup');
  const hint = page.getByTestId('field-hint');
  expect(await hint.textContent()).toBe(say(lang, 'form.passwordRule', { min: 8 }));
  const password = page.getByLabel(say(lang, 'form.password'));
  expect(await password.getAttribute('aria-describedby')).toBe(await hint.getAttribute('id'));
  await look(j, 'signup');
  let signups = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/auth/signup')) signups += 1;
  });
  await page.getByLabel(say(lang, 'form.email')).fill(`rule-${Date.now()}@example.com`);
  await password.fill('seven77');
  await page.getByRole('button', { name: say(lang, 'signup.submit') }).click();
  await expect
    .poll(() => page.getByTestId('form-error').textContent())
    .toBe(say(lang, 'form.passwordTooShort', { min: 8, count: 7 }));
  expect(signups).toBe(0);
  await screenshot(page, `${j.tag}-signup-rule`);
}

/** A wrong password gets the app's words for `invalid_credentials`, not the server's sentence. */
export async function loginError(j: Journey): Promise<void> {
  const { page, lang } = j;
  await page.goto('/#/login');
  await page.getByLabel(say(lang, 'form.email')).fill(`nobody-${Date.now()}@example.com`);
  await page.getByLabel(say(lang, 'form.password')).fill('not the password');
  await page
    .getByRole('button', { name: say(lang, 'login.submit') })
    .last()
    .click();
  await expect
    .poll(() => page.getByTestId('form-error').textContent())
    .toBe(errorMessages[lang].invalid_credentials);
  expect(await page.getByTestId('form-error').textContent()).not.toContain('e-mail or password is wrong');
  await look(j, 'login-error');
}

/** Guest → every question in the app → the result, with the menu following at once. */
export async function surveyToResult(j: Journey): Promise<void> {
  const { page, lang } = j;
  await page.goto('/#/welcome');
  await page.getByTestId('start-guest').click();
  await expect.poll(() => page.getByTestId('survey-question').count()).toBe(1);
  expect(await styleOf(page, '[data-testid="question-text"]')).toMatchObject({ wordBreak: 'keep-all' });
  await look(j, 'survey');
  const progress = page.getByTestId('survey-progress');
  const total = Number(await progress.getAttribute('max'));
  for (let n = 1; n <= total; n += 1) {
    await expect.poll(() => progress.getAttribute('value')).toBe(String(n));
    await page.getByTestId('survey-question').locator('input[type="radio"]').last().check();
    await page.getByTestId('survey-next').click();
  }
  await expect.poll(() => page.getByTestId('persona-name').isVisible(), { timeout: 30_000 }).toBe(true);
  // The persona unlocks "my type" and "chat" in the menu now, not after a reload.
  await expect.poll(() => page.locator('nav.nav a[href="#/chat"]').count()).toBe(1);
  expect(await page.locator('nav.nav a[href="#/result"]').textContent()).toBe(say(lang, 'nav.result'));

  const rows = page.locator('[data-testid="axes-chart"] .axis');
  expect(await rows.count()).toBe(4);
  const pace = page.locator('.axis[data-axis="pace"] [data-testid="axis-ends"]');
  const [low, high] = lang === 'ko' ? ['차분한', '활기찬'] : ['calm', 'energetic'];
  expect(await pace.textContent()).toMatch(new RegExp(`${low}.*${high}`));
  // Readable on a phone: no chart text under 14 px.
  for (const selector of ['.axis-label', '.axis-ends span', '.why-axis']) {
    expect((await styleOf(page, selector)).fontSize, selector).toBeGreaterThanOrEqual(14);
  }
  const leanings = await page.locator('.why-axis').allTextContents();
  expect(leanings.length).toBeGreaterThan(0);
  for (const text of leanings) expect(text).toMatch(/: .+ \([+−-]?\d/);
  // These answers lean one axis to its low end: the orange of negative values is on the page for axe.
  expect(await page.locator('.why-axis.negative').count()).toBeGreaterThan(0);
  await look(j, 'result');
}

/** Opening a new conversation, twice, creates nothing on the server; the greeting is on top. */
export async function newConversation(j: Journey): Promise<void> {
  const { page, lang } = j;
  await page.getByTestId('start-chat').click();
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/chat/new');
  await expect.poll(() => page.getByTestId('greeting').isVisible()).toBe(true);
  expect(await page.getByTestId('chat-title').textContent()).toBe(say(lang, 'chat.draftTitle'));
  if (j.phone) {
    await page.locator('.back-link').click();
    await expect.poll(() => page.getByTestId('conversation-list').isVisible()).toBe(true);
  }
  await expect.poll(() => page.getByTestId('conversation-list').textContent()).toBe(say(lang, 'chat.empty'));
  await page.getByTestId('new-conversation').first().click();
  await expect.poll(() => page.getByTestId('composer-input').isVisible()).toBe(true);
  expect(j.created).toEqual([]);
  await look(j, 'chat-new');
}

/** The limit is stated, counted near the end the way the server counts, and enforced before sending. */
export async function messageLimit(j: Journey): Promise<void> {
  const { page, lang } = j;
  const input = page.getByTestId('composer-input');
  const max = thousands(lang, 4000);
  expect(await page.locator('#composer-hint').textContent()).toBe(say(lang, 'chat.hint', { max }));
  const counter = page.getByTestId('composer-counter');
  await input.fill('가'.repeat(3000));
  expect(await counter.isVisible()).toBe(false);
  // 3,299 syllables and one emoji (two UTF-16 units) are 3,300 code points.
  await input.fill(`${'가'.repeat(3299)}😀`);
  await expect
    .poll(() => counter.textContent())
    .toBe(say(lang, 'chat.counter', { count: thousands(lang, 3300), max }));
  expect(await counter.isVisible()).toBe(true);
  await input.fill('가'.repeat(4001));
  await input.press('Enter');
  await expect
    .poll(() => page.getByTestId('composer-error').textContent())
    .toBe(say(lang, 'chat.tooLong', { max, count: thousands(lang, 4001) }));
  expect((await input.inputValue()).length).toBe(4001);
  expect(j.created).toEqual([]);
  await screenshot(page, `${j.tag}-composer-limit`);
}

/** The first message creates the conversation, titled after it, at once in the list. Returns the title. */
export async function firstMessage(j: Journey): Promise<string> {
  const { page, lang } = j;
  const text =
    lang === 'ko'
      ? '오늘 저녁 메뉴를 추천해 줄래요? 가볍고 따뜻한 음식이면 좋겠어요.'
      : 'Could you suggest a dinner for tonight? Something light and warm.';
  const reply = await send(page, text);
  const title = titleFromMessage(text);
  expect(j.created).toEqual([{ title }]);
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/chat\/[0-9a-f-]{36}$/);
  const id = decodeURIComponent(new URL(page.url()).hash.slice('#/chat/'.length));
  expect(await page.getByTestId('chat-title').textContent()).toBe(title);
  if (!j.phone) {
    const link = page.locator(`a[data-conversation-id="${id}"]`);
    await expect.poll(() => link.locator('.conversation-title').textContent()).toBe(title);
    expect(await link.getAttribute('aria-current')).toBe('page');
  }
  await waitForStatus(reply, 'complete');
  // The persona's greeting stays at the top once the conversation has begun.
  expect(await page.locator('[data-testid="messages"] > li').first().getAttribute('data-testid')).toBe(
    'greeting',
  );
  expect(await page.getByTestId('greeting').isVisible()).toBe(true);
  return title;
}

/** Enter while a reply streams says why nothing is sent; a long history scrolls from the keyboard. */
export async function streamingAndOverflow(j: Journey): Promise<void> {
  const { page, lang } = j;
  const lines = Array.from(
    { length: 24 },
    (_, i) => `${i + 1}. ${lang === 'ko' ? '등대지기 이야기' : 'a lighthouse'}`,
  );
  const ask =
    lang === 'ko' ? '아래 목록으로 긴 이야기를 들려주세요.' : 'Tell me a long story from this list.';
  const reply = await send(page, [ask, ...lines].join('\n'));
  expect(await reply.getAttribute('data-status')).toBe('streaming');
  await page.getByTestId('composer-input').fill('next one');
  await page.getByTestId('composer-input').press('Enter');
  await expect
    .poll(() => page.getByTestId('composer-error').textContent())
    .toBe(say(lang, 'chat.waitForReply'));
  expect(await page.getByTestId('composer-input').inputValue()).toBe('next one');
  await waitForStatus(reply, 'complete');
  await page.getByTestId('composer-input').fill('');
  const messages = page.getByTestId('messages');
  expect(await messages.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  expect(await messages.getAttribute('tabindex')).toBe('0');
  await look(j, 'chat-overflow');
}

/** A failed reply says so in the app's words and offers Retry: the same text as a new message. */
export async function failedReplyRetry(j: Journey, setFailing: (failing: boolean) => void): Promise<void> {
  const { page, lang } = j;
  const question = lang === 'ko' ? '이 질문은 한 번 실패해요.' : 'This question fails once.';
  setFailing(true);
  const failed = await send(page, question);
  await waitForStatus(failed, 'failed');
  expect(await failed.getByTestId('message-state').textContent()).toContain(errorMessages[lang].llm_failed);
  const retry = failed.getByRole('button', { name: say(lang, 'common.retry') });
  expect(await retry.isVisible()).toBe(true);
  await page.getByTestId('composer-input').fill('typed while it failed');
  setFailing(false);
  await retry.click();
  const asked = page.locator('[data-testid="message"][data-role="user"]', { hasText: question });
  await expect.poll(() => asked.count()).toBe(2);
  await waitForStatus(lastReply(page), 'complete');
  expect(await page.getByTestId('composer-input').inputValue()).toBe('typed while it failed');
  await screenshot(page, `${j.tag}-retried`);
  // Unsent text survives a reload too.
  await page.reload();
  await expect.poll(() => page.getByTestId('composer-input').inputValue()).toBe('typed while it failed');
}

export async function listAndNotFound(j: Journey): Promise<void> {
  const { page, lang } = j;
  await page.goto('/#/chat');
  await expect.poll(() => page.locator('a[data-conversation-id]').count()).toBe(1);
  await look(j, 'list');
  await page.goto('/#/nowhere');
  await expect.poll(() => page.locator('h1').textContent()).toBe(say(lang, 'notFound.title'));
  await look(j, 'not-found');
}

/** A guest who logs out is warned, and may sign up instead and keep everything. */
export async function guestLogoutSignsUp(j: Journey, conversationTitle: string): Promise<void> {
  const { page, lang } = j;
  await page.goto('/#/chat');
  await page.getByTestId('logout').click();
  const dialog = page.getByTestId('logout-dialog');
  await expect.poll(() => dialog.isVisible()).toBe(true);
  expect(await dialog.textContent()).toContain(say(lang, 'logout.guestBody'));
  await look(j, 'logout-warning');
  await page.getByTestId('logout-signup').click();
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/signup');
  expect(await dialog.count()).toBe(0);
  const email = `keep-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.getByLabel(say(lang, 'form.email')).fill(email);
  await page.getByLabel(say(lang, 'form.password')).fill('correct horse battery');
  await page.getByRole('button', { name: say(lang, 'signup.submit') }).click();
  await expect
    .poll(() => page.getByTestId('account-name').textContent())
    .not.toBe(say(lang, 'account.guest'));
  await page.goto('/#/chat');
  await expect.poll(() => page.locator('.conversation-title').allTextContents()).toEqual([conversationTitle]);
  expect(await page.locator('nav.nav a[href="#/result"]').count()).toBe(1);
}
