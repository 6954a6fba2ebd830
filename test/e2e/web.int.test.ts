/**
 * The browser app against the running stack: a real Chromium, the built web/dist, the gateway's
 * cookies, SSE and queues. Screenshots of each page land in test-results/screenshots/.
 */
import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startDropProxy } from './drop.proxy';
import {
  completeSurveyByApi,
  guestInNewConversation,
  openConversationId,
  replyText,
  savedReply,
  screenshot,
  send,
  startAsGuest,
  useBrowserStack,
  waitForStatus,
  words,
} from './web.helpers';

const FLOW_TIMEOUT = 120_000;
// Slow enough that a reply is still streaming when the tests stop or reload it.
const suite = useBrowserStack({ ttftMs: 300, itlMs: 80 });
const person = suite.person;

describe('web app', () => {
  it(
    'takes a guest through the survey, with a changed answer, to the chatbot type',
    async () => {
      const { page } = await person();
      const answerPuts: { answers: { questionId: unknown; value: number }[] }[] = [];
      page.on('request', (request) => {
        if (request.method() === 'PUT' && request.url().endsWith('/api/survey/answers')) {
          answerPuts.push(request.postDataJSON());
        }
      });
      await page.goto('/');
      await screenshot(page, '01-welcome');
      await startAsGuest(page);
      await screenshot(page, '02-survey');

      const progress = page.getByTestId('survey-progress');
      const total = Number(await progress.getAttribute('max'));
      expect(total).toBeGreaterThan(1);
      const options = () => page.getByTestId('survey-question').locator('input[type="radio"]');
      for (let n = 1; n <= total; n += 1) {
        await expect.poll(() => progress.getAttribute('value')).toBe(String(n));
        await options().first().check();
        if (n < total) await page.getByTestId('survey-next').click();
      }
      // Go back from the last question and change the answer before it.
      await page.getByTestId('survey-back').click();
      await expect.poll(() => progress.getAttribute('value')).toBe(String(total - 1));
      expect(await options().first().isChecked()).toBe(true);
      const changedId = await page.getByTestId('survey-question').getAttribute('data-question-id');
      const changedOption = options().last();
      const changedValue = Number(await changedOption.getAttribute('value'));
      await changedOption.check();
      await page.getByTestId('survey-next').click();
      await expect.poll(() => progress.getAttribute('value')).toBe(String(total));
      expect(await options().first().isChecked()).toBe(true);
      await page.getByTestId('survey-next').click();

      const personaName = page.getByTestId('persona-name');
      await expect.poll(() => personaName.isVisible(), { timeout: 30_000 }).toBe(true);
      expect((await personaName.textContent())?.trim()).not.toBe('');
      expect(await page.locator('[data-testid="axes-chart"] rect.axis-bar').count()).toBeGreaterThan(0);
      // Korean is the default: the axes are named in Korean, not by their ids.
      expect(await page.locator('[data-testid="axes-chart"] .axis-label').allTextContents()).toEqual([
        '말투',
        '깊이',
        '공감',
        '리듬',
      ]);
      expect(await page.getByTestId('explanation').locator('li').count()).toBeGreaterThan(0);
      await screenshot(page, '03-result');

      const sent = answerPuts.flatMap((put) => put.answers);
      const lastForChanged = sent.filter((a) => String(a.questionId) === changedId).at(-1);
      expect(lastForChanged?.value).toBe(changedValue);
      expect(new Set(sent.map((a) => String(a.questionId))).size).toBe(total);
    },
    FLOW_TIMEOUT,
  );

  it('sends someone whose survey is unfinished back to the first unanswered question', async () => {
    const { page } = await person();
    await startAsGuest(page);
    await page.getByTestId('survey-question').locator('input[type="radio"]').first().check();
    await page.getByTestId('survey-next').click();
    await expect.poll(() => page.getByTestId('survey-progress').getAttribute('value')).toBe('2');
    await page.goto('/#/survey/1');
    await page.reload();
    await expect.poll(() => page.getByTestId('survey-question').count()).toBe(1);

    await page.goto('/#/result');
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: 30_000 }).toBe('#/survey/2');
    await expect.poll(() => page.getByTestId('survey-progress').getAttribute('value')).toBe('2');
  });

  it(
    'streams a reply token by token, and Stop cancels the next one',
    async () => {
      const { page } = await person();
      await startAsGuest(page);
      await completeSurveyByApi(page);
      await page.goto('/#/result');
      await page.reload();
      await page.getByTestId('start-chat').click();
      await expect.poll(() => page.getByTestId('composer-input').isVisible()).toBe(true);

      const reply = await send(page, 'Please tell me about yourself in a few sentences.');
      const lengths: number[] = [];
      while ((await reply.getAttribute('data-status')) === 'streaming' && lengths.length < 600) {
        lengths.push((await replyText(reply)).length);
        await page.waitForTimeout(40);
      }
      await waitForStatus(reply, 'complete');
      const finalText = await replyText(reply);
      expect(finalText.length).toBeGreaterThan(0);
      const grown = lengths.filter((length, i) => i > 0 && length > lengths[i - 1]!);
      expect(grown.length, `text lengths seen while streaming: ${lengths.join(',')}`).toBeGreaterThanOrEqual(
        2,
      );
      expect(await page.getByTestId('reply-live').textContent()).not.toBe('');
      await screenshot(page, '04-chat');

      const stopped = await send(page, 'Now a longer story, please, with many sentences.');
      await expect.poll(async () => (await replyText(stopped)).length).toBeGreaterThan(0);
      await page.getByTestId('stop').click();
      await waitForStatus(stopped, 'cancelled');
      expect(await stopped.getByTestId('message-state').textContent()).toContain('중지됨');
      expect(await page.getByTestId('stop').isVisible()).toBe(false);
      expect(await page.getByTestId('send').isVisible()).toBe(true);
      await screenshot(page, '05-chat-stopped');

      // The cancelled state survives a reload: it comes back from the history.
      const replyId = (await stopped.getAttribute('data-reply-id'))!;
      const conversationId = await openConversationId(page);
      await savedReply(page, conversationId, replyId, 'cancelled');
      await page.reload();
      await waitForStatus(page.locator(`[data-reply-id="${replyId}"]`), 'cancelled');
    },
    FLOW_TIMEOUT,
  );

  it(
    'picks a reply up where it left off after a reload, without repeating or losing text',
    async () => {
      const { page } = await person();
      await guestInNewConversation(page);
      const streamRequests: string[] = [];
      page.on('request', (request: Request) => {
        if (request.url().includes('/stream')) streamRequests.push(request.url());
      });
      const reply = await send(page, 'Tell me a long story about a lighthouse keeper.');
      const conversationId = await openConversationId(page);
      await expect
        .poll(async () => words(await replyText(reply)).length, { timeout: 30_000 })
        .toBeGreaterThan(8);
      const replyId = (await reply.getAttribute('data-reply-id'))!;
      const beforeReload = await replyText(reply);
      expect(await reply.getAttribute('data-status')).toBe('streaming');

      await page.reload();
      const resumed = page.locator(`[data-testid="message"][data-reply-id="${replyId}"]`);
      await waitForStatus(resumed, 'complete');
      const afterReload = await replyText(resumed);
      expect(streamRequests.some((url) => new URL(url).searchParams.has('lastEventId'))).toBe(true);
      expect(words(afterReload).startsWith(words(beforeReload))).toBe(true);
      expect(words(afterReload).length).toBeGreaterThan(words(beforeReload).length);

      // The text put together across the reload is exactly what the history keeps.
      const saved = await savedReply(page, conversationId, replyId, 'complete');
      expect(words(afterReload)).toBe(words(saved));
      await page.reload();
      const fromHistory = page.locator(`[data-testid="message"][data-reply-id="${replyId}"]`);
      await waitForStatus(fromHistory, 'complete');
      expect(await replyText(fromHistory)).toBe(afterReload);
    },
    FLOW_TIMEOUT,
  );

  it(
    'picks a reply up after a network drop, without repeating or losing text',
    async () => {
      const proxy = await startDropProxy(suite.stack.baseUrl);
      try {
        const { page } = await person({ baseURL: proxy.url });
        await guestInNewConversation(page);
        // allHeaders(), not headers(): the browser adds Last-Event-ID below what headers() reports.
        const streamHeaders: Promise<Record<string, string>>[] = [];
        page.on('request', (request: Request) => {
          if (request.url().includes('/stream')) streamHeaders.push(request.allHeaders());
        });
        const reply = await send(page, 'Tell me a long story about a lighthouse keeper.');
        const conversationId = await openConversationId(page);
        await expect
          .poll(async () => words(await replyText(reply)).length, { timeout: 30_000 })
          .toBeGreaterThan(8);
        const beforeDrop = await replyText(reply);
        expect(await reply.getAttribute('data-status')).toBe('streaming');

        proxy.dropAll();
        await waitForStatus(reply, 'complete');
        const resumed = (await Promise.all(streamHeaders)).filter((headers) => headers['last-event-id']);
        expect(resumed.length).toBeGreaterThan(0);
        const afterDrop = await replyText(reply);
        expect(words(afterDrop).startsWith(words(beforeDrop))).toBe(true);
        const replyId = (await reply.getAttribute('data-reply-id'))!;
        const saved = await savedReply(page, conversationId, replyId, 'complete');
        expect(words(afterDrop)).toBe(words(saved));
      } finally {
        await proxy.close();
      }
    },
    FLOW_TIMEOUT,
  );

  it('speaks Korean by default, remembers English, and asks the API in the chosen language', async () => {
    const { page } = await person();
    const surveyRequests: { lang: string | null; acceptLanguage: string | undefined }[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/survey') {
        surveyRequests.push({
          lang: url.searchParams.get('lang'),
          acceptLanguage: request.headers()['accept-language'],
        });
      }
    });
    await page.goto('/');
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.getByTestId('start-guest').textContent()).toBe('게스트로 시작');

    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('start-guest').textContent()).toBe('Start as guest');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('lang-en').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    expect(await page.getByTestId('start-guest').textContent()).toBe('Start as guest');

    await page.getByTestId('start-guest').click();
    await expect.poll(() => page.getByTestId('survey-question').count()).toBe(1);
    expect(surveyRequests.at(-1)).toEqual({ lang: 'en', acceptLanguage: 'en' });
    expect(await page.getByRole('button', { name: 'Next' }).count()).toBe(1);
    await screenshot(page, '06-survey-english');

    await page.getByTestId('lang-ko').click();
    await expect.poll(() => page.getByTestId('survey-next').textContent()).toBe('다음');
    expect(surveyRequests.at(-1)).toEqual({ lang: 'ko', acceptLanguage: 'ko' });
  });

  it(
    'signs up, then logs in from a second browser and sees the same conversations',
    async () => {
      const email = `web-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const password = 'correct horse battery staple';
      const first = await person();
      await first.page.goto('/#/signup');
      await first.page.getByLabel('이메일').fill(email);
      await first.page.getByLabel('비밀번호').fill(password);
      await first.page.getByLabel('표시 이름 (선택)').fill('Minji');
      await screenshot(first.page, '07-signup');
      await first.page.getByRole('button', { name: '계정 만들기' }).click();
      await expect.poll(() => first.page.getByTestId('account-name').textContent()).toBe('Minji');
      await completeSurveyByApi(first.page);
      await first.page.goto('/#/chat');
      await first.page.reload();
      await first.page.getByTestId('new-conversation').first().click();
      const reply = await send(first.page, 'Remember this conversation, please.');
      await waitForStatus(reply, 'complete');
      const conversationIds = async (page: typeof first.page) =>
        page
          .getByTestId('conversation-list')
          .locator('a[data-conversation-id]')
          .evaluateAll((links) => links.map((link) => link.getAttribute('data-conversation-id')).sort());
      const firstIds = await conversationIds(first.page);
      expect(firstIds.length).toBe(1);

      const second = await person();
      await second.page.goto('/#/signup');
      await second.page.getByLabel('이메일').fill(email);
      await second.page.getByLabel('비밀번호').fill(password);
      await second.page.getByRole('button', { name: '계정 만들기' }).click();
      await expect
        .poll(() => second.page.getByTestId('form-error').textContent())
        .toBe('이미 가입된 이메일이에요. 로그인해 주세요.');

      await second.page.goto('/#/login');
      await second.page.getByLabel('이메일').fill(email);
      await second.page.getByLabel('비밀번호').fill('not the password');
      await second.page.getByRole('button', { name: '로그인' }).last().click();
      // The app's own words for the code, not the server's English message.
      await expect
        .poll(() => second.page.getByTestId('form-error').textContent())
        .toBe('이메일 또는 비밀번호가 맞지 않아요.');
      await screenshot(second.page, '08-login-error');

      await second.page.getByLabel('비밀번호').fill(password);
      await second.page.getByRole('button', { name: '로그인' }).last().click();
      await expect.poll(() => second.page.getByTestId('account-name').textContent()).toBe('Minji');
      await expect.poll(() => conversationIds(second.page)).toEqual(firstIds);
      await second.page.locator(`a[data-conversation-id="${firstIds[0]}"]`).click();
      await expect
        .poll(() => second.page.getByTestId('messages').textContent())
        .toContain('Remember this conversation, please.');

      await second.page.getByRole('button', { name: '로그아웃' }).click();
      await expect.poll(() => second.page.getByTestId('start-guest').isVisible()).toBe(true);
      expect(await second.page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
    },
    FLOW_TIMEOUT,
  );

  it(
    'shows HTML in messages and replies as text and never runs it',
    async () => {
      const { page } = await person();
      await guestInNewConversation(page);
      const script = '<script>window.__pwned=1</script>';
      const img = '<img src=x onerror="window.__pwned=2">';
      const reply = await send(page, `Repeat after me: ${script} ${img}`);
      const conversationId = await openConversationId(page);
      await waitForStatus(reply, 'complete');
      const replyId = (await reply.getAttribute('data-reply-id'))!;
      const saved = await savedReply(page, conversationId, replyId, 'complete');
      expect(saved).toContain('__pwned');

      for (let pass = 0; pass < 2; pass += 1) {
        const shown = page.locator(`[data-testid="message"][data-reply-id="${replyId}"]`);
        await waitForStatus(shown, 'complete');
        expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
        expect(
          await page.locator('[data-testid="messages"] script, [data-testid="messages"] img').count(),
        ).toBe(0);
        const userText = await page.locator('[data-testid="message"][data-role="user"]').last().textContent();
        expect(userText).toContain(script);
        expect(userText).toContain(img);
        const shownText = await replyText(shown);
        const echoed = [script, img].filter((raw) => saved.includes(raw));
        expect(echoed.length).toBeGreaterThan(0);
        for (const raw of echoed) expect(shownText).toContain(raw);
        // Second pass: the same reply rendered from the history after a reload.
        if (pass === 0) await page.reload();
      }
      await screenshot(page, '09-html-as-text');
    },
    FLOW_TIMEOUT,
  );

  it(
    'works on a phone-sized screen with the keyboard alone',
    async () => {
      const { page } = await person({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      await page.goto('/');
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return {
            testId: el?.dataset.testid ?? null,
            tag: el?.tagName ?? null,
            type: el?.getAttribute('type') ?? null,
            outline: el ? getComputedStyle(el).outlineStyle : null,
          };
        });
      const tabTo = async (match: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
        for (let i = 0; i < 25; i += 1) {
          await page.keyboard.press('Tab');
          if (match(await focused())) return;
        }
        throw new Error('could not reach the element with Tab');
      };
      await tabTo((f) => f.testId === 'start-guest');
      expect((await focused()).outline).not.toBe('none');
      await screenshot(page, '10-phone-welcome');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await focused()).tag).toBe('H1');

      await tabTo((f) => f.type === 'radio');
      await page.keyboard.press('ArrowDown');
      await tabTo((f) => f.testId === 'survey-next');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('survey-progress').getAttribute('value')).toBe('2');
      expect((await focused()).type).toBe('radio');
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, '11-phone-survey');

      await completeSurveyByApi(page);
      await page.goto('/#/result');
      await page.reload();
      await expect.poll(() => page.getByTestId('persona-name').isVisible()).toBe(true);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, '12-phone-result');

      await page.getByTestId('start-chat').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('composer-input').isVisible()).toBe(true);
      expect(await page.getByTestId('conversation-list').isVisible()).toBe(false);
      await page.getByTestId('composer-input').focus();
      await page.keyboard.type('Hello from a small screen.');
      await page.keyboard.press('Enter');
      const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
      await waitForStatus(reply, 'complete');
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, '13-phone-chat');
    },
    FLOW_TIMEOUT,
  );
});
