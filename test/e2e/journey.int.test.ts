/**
 * A new person's way through the app at phone (390×844) and desktop (1366×900) sizes, in Korean
 * and in English, against the full stack in Chromium; then the same pages in dark mode. axe runs
 * on every page; screenshots land in test-results/screenshots/.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lang } from '../../web/src/i18n/i18n';
import {
  failedReplyRetry,
  firstMessage,
  guestLogoutSignsUp,
  type Journey,
  listAndNotFound,
  loginError,
  look,
  messageLimit,
  newConversation,
  say,
  signupRules,
  streamingAndOverflow,
  surveyToResult,
  watchConversationPosts,
  welcome,
} from './journey.steps';
import { completeSurveyByApi, send, startAsGuest, useBrowserStack, waitForStatus } from './web.helpers';

const JOURNEY_TIMEOUT = 240_000;
const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1366, height: 900 } },
} as const;

const suite = useBrowserStack({ ttftMs: 100, itlMs: 25 });
const person = suite.person;

afterEach(() => {
  suite.stack.llm.setConfig({ rate500: 0, itlMs: 25 });
});

const journeys = (['phone', 'desktop'] as const).flatMap((size) =>
  (['ko', 'en'] as const).map((lang) => [size, lang] as const),
);

describe.each(journeys)('a new person on a %s, in %s', (size, lang: Lang) => {
  it(
    'gets words in their language, rules before submitting, titled conversations and a way to retry',
    async () => {
      const { page } = await person(SIZES[size]);
      const journey: Journey = { page, lang, tag: `${size}-${lang}`, phone: size === 'phone', created: [] };
      watchConversationPosts(page, journey.created);

      await welcome(journey);
      await signupRules(journey);
      await loginError(journey);
      await surveyToResult(journey);
      await newConversation(journey);
      await messageLimit(journey);
      const title = await firstMessage(journey);
      // A slower stream leaves time to press Enter while it runs.
      suite.stack.llm.setConfig({ itlMs: 60 });
      await streamingAndOverflow(journey);
      suite.stack.llm.setConfig({ itlMs: 25 });
      await failedReplyRetry(journey, (failing) => suite.stack.llm.setConfig({ rate500: failing ? 1 : 0 }));
      expect(journey.created).toHaveLength(1);
      await listAndNotFound(journey);
      await guestLogoutSignsUp(journey, title);
    },
    JOURNEY_TIMEOUT,
  );
});

describe('dark mode', () => {
  it(
    'passes axe on every page, and a guest who logs out anyway loses the session',
    async () => {
      const { page } = await person({ ...SIZES.phone, colorScheme: 'dark' });
      const journey: Journey = { page, lang: 'ko', tag: 'dark-ko', phone: true, created: [] };
      await page.goto('/');
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
      await look(journey, 'welcome');
      await startAsGuest(page);
      await look(journey, 'survey');
      await completeSurveyByApi(page);
      await page.goto('/#/result');
      await page.reload();
      await expect.poll(() => page.getByTestId('persona-name').isVisible()).toBe(true);
      await look(journey, 'result');
      await page.getByTestId('start-chat').click();
      const reply = await send(page, '안녕하세요! 오늘 기분이 어때요?');
      await waitForStatus(reply, 'complete');
      await look(journey, 'chat');
      await page.goto('/#/signup');
      await look(journey, 'signup');
      await page.goto('/#/nowhere');
      await look(journey, 'not-found');

      await page.getByTestId('logout').click();
      await expect.poll(() => page.getByTestId('logout-dialog').isVisible()).toBe(true);
      await look(journey, 'logout-warning');
      await page.getByTestId('logout-confirm').click();
      await expect.poll(() => page.getByTestId('start-guest').textContent()).toBe(say('ko', 'welcome.guest'));
      expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
    },
    JOURNEY_TIMEOUT,
  );
});
