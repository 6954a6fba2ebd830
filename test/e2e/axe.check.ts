/**
 * axe-core in the page under test. The script goes in through playwright-core's evaluate (the
 * DevTools protocol), which the page's Content-Security-Policy does not govern, so the policy
 * stays exactly as users get it. Every finding is written to test-results/axe/<name>.json;
 * serious and critical ones fail the test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_DIR = join(process.cwd(), 'test-results', 'axe');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: {
        run(
          context: Document,
          options: object,
        ): Promise<{
          violations: {
            id: string;
            impact: string | null;
            help: string;
            nodes: { target: unknown[] }[];
          }[];
        }>;
      };
    };
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
    }));
  });
}

/** Runs axe on what the page shows now; fails on any serious or critical finding. */
export async function expectAccessible(page: Page, name: string): Promise<AxeFinding[]> {
  const findings = await axeFindings(page);
  mkdirSync(AXE_DIR, { recursive: true });
  writeFileSync(join(AXE_DIR, `${name}.json`), `${JSON.stringify(findings, null, 2)}\n`);
  const blocking = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  expect(blocking, `axe on ${name}`).toEqual([]);
  return findings;
}
