/**
 * Browser plumbing for the web tests: Debian's Chromium driven by playwright-core, one fresh
 * context per person, and a record of anything the page's Content-Security-Policy refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { SimSettingsPatch } from '../../services/llm-sim/llm-sim.config';
import { type Stack, startStack } from '../harness/stack';

export type StartStack = typeof startStack;

/** The real stack (gateway, workers, LLM simulator, SQS emulator, database) on random ports. */
export async function loadStartStack(): Promise<StartStack> {
  return startStack;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface Person {
  context: BrowserContext;
  page: Page;
}

/** Problems any page must never show: CSP refusals and uncaught exceptions. */
export interface PageProblems {
  list: string[];
}

export async function openPerson(
  browser: Browser,
  baseUrl: string,
  problems: PageProblems,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<Person> {
  const context = await browser.newContext({ baseURL: baseUrl, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.list.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.list.push(`page error: ${error.message}`));
  return { context, page };
}

/**
 * One stack and one Chromium for a test file: web/dist is built and both start before the tests;
 * after each test every person's browser context closes and the test fails on any CSP refusal or
 * page error it saw; at the end both stop.
 */
export function useBrowserStack(llm: SimSettingsPatch) {
  let stack: Stack;
  let browser: Browser;
  const problems: PageProblems = { list: [] };
  const people: Person[] = [];

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build:web'], { stdio: 'pipe' });
    const start = await loadStartStack();
    stack = await start({ llm });
    browser = await launchChromium();
  }, 180_000);

  afterEach(async () => {
    for (const { context } of people.splice(0)) await context.close();
    const seen = problems.list.splice(0);
    expect(seen, 'CSP refusals or page errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  return {
    get stack(): Stack {
      return stack;
    },
    /** A new person: a fresh browser context (cookies, storage) with its own page. */
    async person(options?: Parameters<Browser['newContext']>[0]): Promise<Person> {
      const opened = await openPerson(browser, stack.baseUrl, problems, options);
      people.push(opened);
      return opened;
    },
  };
}

export async function startAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('start-guest').click();
  await expect.poll(() => page.getByTestId('survey-question').count()).toBe(1);
}

/** Answers the whole survey through the API (with this page's cookie) and waits for the persona. */
export async function completeSurveyByApi(page: Page): Promise<void> {
  await page.evaluate(async () => {
    type Question = { id: string | number; options: { value: number }[] };
    const survey = (await (await fetch('/api/survey')).json()) as { version: unknown; questions: Question[] };
    const answers = survey.questions.map((q) => ({ questionId: q.id, value: q.options.at(-1)!.value }));
    const put = await fetch('/api/survey/answers', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: survey.version, answers }),
    });
    if (put.status !== 202) throw new Error(`PUT /api/survey/answers answered ${put.status}`);
    for (let i = 0; i < 150; i += 1) {
      if ((await fetch('/api/survey/result')).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the survey result never completed');
  });
}

/** A guest with a persona, in a new conversation (created on the server by its first message). */
export async function guestInNewConversation(page: Page): Promise<void> {
  await startAsGuest(page);
  await completeSurveyByApi(page);
  await page.goto('/#/chat');
  await page.reload();
  await page.getByTestId('new-conversation').first().click();
  await expect.poll(() => page.getByTestId('composer-input').isVisible()).toBe(true);
}

/** The open conversation's id, from the address (a new one has it once its first message is sent). */
export async function openConversationId(page: Page): Promise<string> {
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/chat\/[0-9a-f-]{36}$/);
  return decodeURIComponent(new URL(page.url()).hash.replace('#/chat/', ''));
}

export function lastReply(page: Page): Locator {
  return page.locator('[data-testid="message"][data-role="assistant"]').last();
}

export async function send(page: Page, text: string): Promise<Locator> {
  const before = await page.locator('[data-testid="message"][data-role="assistant"]').count();
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await expect
    .poll(() => page.locator('[data-testid="message"][data-role="assistant"]').count())
    .toBe(before + 1);
  return lastReply(page);
}

export async function replyText(reply: Locator): Promise<string> {
  return (await reply.getByTestId('message-text').textContent()) ?? '';
}

export async function waitForStatus(reply: Locator, status: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => reply.getAttribute('data-status'), { timeout }).toBe(status);
}

/** The saved history, read the way the app reads it; polls until the turn is written. */
export async function savedReply(
  page: Page,
  conversationId: string,
  replyId: string,
  status: string,
): Promise<string> {
  let content = '';
  await expect
    .poll(
      async () => {
        const found = await page.evaluate(
          async ({ conversationId, replyId }) => {
            const response = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/messages`);
            const { messages } = (await response.json()) as {
              messages: { role: string; replyId: unknown; status: string; content: string }[];
            };
            return messages.find((m) => m.role === 'assistant' && String(m.replyId) === replyId) ?? null;
          },
          { conversationId, replyId },
        );
        content = found?.content ?? '';
        return found?.status;
      },
      { timeout: 30_000 },
    )
    .toBe(status);
  return content;
}

/** Rendered Markdown and its source differ in markup and spacing, not in words. */
export function words(text: string): string {
  return text.replace(/[*_`#>\s]+/g, '');
}
