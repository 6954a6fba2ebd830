import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../loadtest/run/results.types';
import type { FleetStatus } from '../services/gateway/ops/ops.schemas';
import { repoRoot } from './harness/processes';
import { type Stack, startStack } from './harness/stack';

/**
 * A short load run in CI: the load tool's command line against the real stack, as an operator
 * would run it, so a change that breaks the tool, the chat path or the thresholds' exit codes
 * fails here.
 */

/** Runs `loadtest/main.ts` as a child process; resolves with its exit code and results.json. */
function loadtest(
  args: string[],
  out: string,
): Promise<{ code: number; output: string; results: RunResults }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'loadtest/main.ts', ...args, '--quiet', '--out', out],
      { cwd: repoRoot, maxBuffer: 16 * 2 ** 20, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        readFile(join(out, 'results.json'), 'utf8')
          .then((text) => resolve({ code, output: `${stdout}${stderr}`, results: JSON.parse(text) }))
          .catch((e: Error) =>
            reject(new Error(`no results.json (exit ${code}): ${e.message}\n${stdout}${stderr}`)),
          );
      },
    );
  });
}

/** The chart of the report whose title is `title`: its SVG, up to the next chart. */
function chartOf(html: string, title: string): string {
  const start = html.indexOf(`aria-label="${title}"`);
  if (start < 0) throw new Error(`no chart ${title}`);
  const end = html.indexOf('</svg>', start);
  return html.slice(start, end);
}

const opsToken = 'ops-token-for-the-load-tool-0123';

describe('load tool against the real stack', () => {
  let stack: Stack;
  let outRoot: string;
  let autoscaler: Server;

  beforeAll(async () => {
    // The autoscaler's /status as it reports a fleet (no autoscaler runs in this stack).
    const chat: FleetStatus & { standby: null } = {
      name: 'chat',
      workers: [{ id: 'chat-0', state: 'running' }],
      desired: 1,
      standby: null,
    };
    autoscaler = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fleets: [chat] })),
    );
    await new Promise<void>((r) => autoscaler.listen(0, '127.0.0.1', r));
    const { port } = autoscaler.address() as AddressInfo;
    stack = await startStack({
      llm: { ttftMs: 20, itlMs: 2 },
      env: { OPS_TOKEN: opsToken, AUTOSCALER_URL: `http://127.0.0.1:${port}/status` },
    });
    outRoot = await mkdtemp(join(tmpdir(), 'aira-loadrun-'));
  });
  afterAll(async () => {
    await stack?.stop();
    autoscaler?.closeAllConnections();
    await new Promise((r) => autoscaler?.close(r));
    if (outRoot) await rm(outRoot, { recursive: true, force: true });
  });

  it('runs a mixed load within its thresholds and exits 0', async () => {
    const { code, output, results } = await loadtest(
      [
        ...['--target', stack.baseUrl, '--scenario', 'mixed', '--stages', '3s:5,5s:5'],
        ...['--threshold', 'ttft.p99<3000', '--threshold', 'errors.rate<0.05'],
      ],
      join(outRoot, 'mixed'),
    );
    expect(code, output).toBe(0);
    expect(results.end).toBe('completed');
    // Chat iterations ran end to end: messages sent, replies streamed to `done`, first tokens timed.
    expect(results.metrics.http_send_message?.count).toBeGreaterThan(0);
    expect(results.metrics.reply_total?.count).toBeGreaterThan(0);
    expect(results.metrics.ttft?.count).toBeGreaterThan(0);
    // …and so did survey iterations (the mix is 3:1).
    expect(results.metrics.survey_complete?.count).toBeGreaterThan(0);
    expect(results.thresholds).toHaveLength(2);
    expect(results.thresholds.every((t) => t.pass)).toBe(true);
  });

  it('samples the operator status: the report charts queue depth and workers', async () => {
    const out = join(outRoot, 'ops');
    const { code, output, results } = await loadtest(
      [
        ...['--target', stack.baseUrl, '--scenario', 'chat', '--stages', '4s:3', '--turns', '1'],
        ...['--ops-token', opsToken],
      ],
      out,
    );
    expect(code, output).toBe(0);
    const sampled = results.timeline.filter((p) => p.status);
    expect(sampled.length).toBeGreaterThan(0);
    expect(sampled.every((p) => p.status!.queues.chat !== undefined)).toBe(true);
    expect(sampled.some((p) => p.status!.workers.chat?.workers === 1)).toBe(true);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    for (const title of ['Queue depth (waiting + active)', 'Workers']) {
      const chart = chartOf(html, title);
      expect(chart, title).not.toContain('no data');
      expect(chart, title).toMatch(/<path d="M[\d.]+ [\d.]+/);
    }
  });

  it('exits 1 when a threshold is breached', async () => {
    const { code, output, results } = await loadtest(
      [
        ...['--target', stack.baseUrl, '--scenario', 'chat', '--stages', '2s:3', '--turns', '1'],
        ...['--threshold', 'ttft.p99<1'],
      ],
      join(outRoot, 'breach'),
    );
    expect(code, output).toBe(1);
    // Breached by a measured value, not by a run without data.
    expect(results.metrics.ttft?.count).toBeGreaterThan(0);
    expect(results.thresholds[0]).toMatchObject({ pass: false });
    expect(results.thresholds[0]!.actual).toBeGreaterThanOrEqual(1);
  });
});
