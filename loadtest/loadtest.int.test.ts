import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Queue, Worker } from 'bullmq';
import { createSqsServer } from 'local-aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from './cli/cli.run';
import type { RunResults } from './run/results.types';
import { type FakeGateway, startFakeGateway } from './testing/fake.gateway';

const run = promisify(execFile);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

let outRoot: string;
beforeAll(async () => {
  outRoot = await mkdtemp(join(tmpdir(), 'aira-loadtest-'));
});
afterAll(async () => {
  await rm(outRoot, { recursive: true, force: true });
});

/** Runs the CLI in-process and returns its exit code, output and parsed results. */
async function cli(flags: string) {
  const args = flags.split(/\s+/).filter(Boolean);
  const out = join(outRoot, randomUUID());
  let stdout = '';
  const sink = new PassThrough();
  sink.on('data', (c) => {
    stdout += c;
  });
  const code = await runCli([...args, '--out', out, '--quiet'], { stdout: sink, stderr: new PassThrough() });
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
  return { code, stdout, results, out };
}

describe('chat against a fake gateway', () => {
  let gw: FakeGateway;
  beforeAll(async () => {
    gw = await startFakeGateway({
      sendDelayMs: 60,
      firstTokenMs: 100,
      tokenGapMs: 5,
      tokens: 8,
      opsToken: 'ops-secret',
    });
  });
  afterAll(() => gw.close());

  it('runs every iteration of the open model and measures ttft from the message POST', async () => {
    const { code, results } = await cli(
      `--target ${gw.url} --scenario chat --rate 10 --duration 2s --turns 2 --think 50ms --ops-token ops-secret --threshold ttft.p99<5000 --threshold errors.rate<0.01`,
    );
    expect(code).toBe(EXIT.ok);
    // Late starts are not asserted: on a busy machine the tool's own event loop can fall behind.
    expect(results.iterations).toMatchObject({ scheduled: 20, started: 20, ok: 20, failed: 0 });
    expect(results.metrics.http_guest?.count).toBe(20);
    expect(results.metrics.http_send_message?.count).toBe(40);
    expect(results.metrics.reply_total).toMatchObject({ count: 40, failures: 0 });
    expect(gw.counts['GET /api/replies/:id/stream']).toBe(40);
    // The POST alone takes 60 ms and the first token another 100 ms after the stream opens:
    // counted from the POST, ttft cannot be below 160 ms.
    expect(results.metrics.ttft!.min).toBeGreaterThanOrEqual(158);
    expect(results.metrics.ttft!.p50).toBeLessThan(2000);
    expect(results.metrics.inter_token!.count).toBe(40 * 7);
    expect(results.metrics.hop_llm_first_token!.p50).toBeCloseTo(100, 0);
    expect(results.errors.count).toBe(0);
    expect(results.thresholds.every((t) => t.pass)).toBe(true);
    // The ops sampler's view made it into the timeline.
    expect(
      results.timeline.some((p) => p.status?.queues.chat === 5 && p.status.workers.chat?.desired === 3),
    ).toBe(true);
  });

  it('counts late starts and charges the wait to latency when --max-inflight is the bottleneck', async () => {
    const slow = await startFakeGateway({ guestDelayMs: 150, pendingPolls: 1 });
    try {
      const { results } = await cli(
        `--target ${slow.url} --scenario survey --rate 10 --duration 1s --max-inflight 1 --poll-interval 20ms --late-threshold 50ms`,
      );
      expect(results.iterations).toMatchObject({ started: 10, ok: 10 });
      // Each iteration takes > 150 ms while arrivals come every 100 ms: most start late.
      expect(results.iterations.late).toBeGreaterThanOrEqual(7);
      expect(results.iterations.queued).toBeGreaterThanOrEqual(7);
      // The server answers the guest call in ~150 ms, but the last arrivals waited in the queue
      // first; counted from their intended start they took far longer.
      expect(results.metrics.http_guest!.min).toBeGreaterThanOrEqual(148);
      expect(results.metrics.http_guest!.max).toBeGreaterThan(600);
      expect(results.metrics.survey_put?.count).toBe(10);
      expect(results.metrics.survey_result?.count).toBe(20);
      expect(results.metrics.survey_complete).toMatchObject({ count: 10, failures: 0 });
      expect(results.counters.survey_polls).toBe(20);
      // No ops token: no status, shown as "-".
      expect(results.timeline.every((p) => p.status === null)).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('records server errors by kind and fails the iteration', async () => {
    const flaky = await startFakeGateway({ errorEvery: 2, tokens: 2 });
    try {
      const { results, code } = await cli(
        `--target ${flaky.url} --vus 2 --spawn-rate 100 --duration 1s --turns 1 --threshold errors.rate<0.01`,
      );
      expect(code).toBe(EXIT.thresholdsBreached);
      expect(results.errors.byKind.sse_error).toBeGreaterThan(0);
      expect(results.iterations.failed).toBe(results.errors.byKind.sse_error);
      expect(results.metrics.reply_total!.failures).toBe(results.errors.byKind.sse_error);
    } finally {
      await flaky.close();
    }
  });

  it("names the gateway's own limit when sign-ins get 429s", async () => {
    const limited = await startFakeGateway({ guestLimit: 2 });
    try {
      const { results, stdout } = await cli(`--target ${limited.url} --rate 8 --duration 1s --turns 1`);
      expect(results.errors.byMetric.http_guest?.http_429).toBeGreaterThan(0);
      expect(results.warnings).toEqual([
        expect.stringMatching(/http_429 on http_guest: .*RATE_LIMIT_AUTH_PER_MIN/),
      ]);
      expect(stdout).toMatch(/^warning: .*RATE_LIMIT_AUTH_PER_MIN=1000000 npm start/m);
    } finally {
      await limited.close();
    }
  });

  it('hits one endpoint at max rate over N connections', async () => {
    const { results, code } = await cli(
      `--target ${gw.url} --scenario http --path /healthz --connections 4 --duration 1s`,
    );
    expect(code).toBe(EXIT.ok);
    expect(results.metrics.http_request!.count).toBeGreaterThan(200);
    expect(results.metrics.http_request!.failures).toBe(0);
    expect(results.end).toBe('completed');
  });

  it('exits non-zero through the real CLI entry when a threshold is breached, zero when not', async () => {
    const out = join(outRoot, randomUUID());
    const args = [
      '--import',
      'tsx',
      'loadtest/main.ts',
      '--target',
      gw.url,
      '--rate',
      '4',
      '--duration',
      '1s',
      '--turns',
      '1',
      '--out',
      out,
    ];
    const breached = await run(
      process.execPath,
      [...args, '--threshold', 'ttft.p99<50', '--threshold', 'errors.rate<0.01'],
      {
        cwd: ROOT,
      },
    ).catch((err: { code: number; stdout: string }) => err);
    expect('code' in breached ? breached.code : 0).toBe(EXIT.thresholdsBreached);
    expect(breached.stdout).toMatch(/ttft\.p99<50\s+\d+(\.\d+)?\s+FAIL/);
    expect(breached.stdout).toMatch(/errors\.rate<0\.01\s+0\s+pass/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(6);

    const passed = await run(process.execPath, [...args, '--threshold', 'ttft.p99<5000'], { cwd: ROOT });
    expect(passed.stdout).toMatch(/ttft\.p99<5000\s+\d+(\.\d+)?\s+pass/);

    const usage = await run(process.execPath, [...args, '--threshold', 'ttft<1'], { cwd: ROOT }).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect('code' in usage ? usage.code : 0).toBe(EXIT.usage);
  }, 180_000);
});

describe('flood', () => {
  const redis = new URL(REDIS_URL);
  const connection = { host: redis.hostname, port: Number(redis.port || 6379) };

  it('pushes jobs with uuid ids straight into a BullMQ queue at the asked rate, and says nobody reads it', async () => {
    const queueName = `loadtest-${randomUUID()}`;
    const prefix = `lt-${randomUUID().slice(0, 8)}`;
    const { results, code } = await cli(
      `--scenario flood --flood-target bullmq --queue ${queueName} --bullmq-prefix ${prefix} --redis-url ${REDIS_URL} --rate 40 --duration 1s --batch 4`,
    );
    const queue = new Queue(queueName, { connection, prefix });
    try {
      expect(code).toBe(EXIT.ok);
      // 40 messages/s in batches of 4 → 10 batches in one second.
      expect(results.metrics.flood_send).toMatchObject({ count: 10, failures: 0 });
      expect(results.counters.flood_messages).toBe(40);
      expect(results.options.queue).toBe(`${prefix}:${queueName}`);
      const jobs = await queue.getJobs(['waiting', 'wait']);
      expect(jobs).toHaveLength(40);
      expect(jobs.every((j) => /^[0-9a-f-]{36}$/.test(j.id ?? '') && j.data.replyId === j.id)).toBe(true);
      // Nothing consumes this queue: the run says so instead of reporting a clean 0 errors.
      expect(results.warnings).toEqual([
        expect.stringMatching(
          new RegExp(`^No worker consumed ${prefix}:${queueName} at \\d+ of \\d+ checks`),
        ),
      ]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('raises no warning while a worker consumes the flooded queue', async () => {
    const queueName = `loadtest-${randomUUID()}`;
    const prefix = `lt-${randomUUID().slice(0, 8)}`;
    const worker = new Worker(queueName, async () => undefined, { connection, prefix });
    await worker.waitUntilReady();
    const queue = new Queue(queueName, { connection, prefix });
    try {
      const { results } = await cli(
        `--scenario flood --flood-target bullmq --queue ${queueName} --bullmq-prefix ${prefix} --redis-url ${REDIS_URL} --rate 20 --duration 1s --batch 2`,
      );
      expect(results.metrics.flood_send).toMatchObject({ count: 10, failures: 0 });
      expect(results.warnings).toEqual([]);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('sends write messages to an SQS FIFO queue', async () => {
    const server = await createSqsServer({
      port: 0,
      hostname: '127.0.0.1',
      emulateQueueCreationLifecycle: false,
    });
    const { port } = server.address() as AddressInfo;
    const endpoint = `http://127.0.0.1:${port}`;
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const name = `lt-${randomUUID().slice(0, 8)}.fifo`;
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }),
      );
      const { results } = await cli(
        `--scenario flood --flood-target sqs --sqs-endpoint ${endpoint} --sqs-queue-url ${QueueUrl!} --rate 30 --duration 1s --batch 15`,
      );
      expect(results.metrics.flood_send).toMatchObject({ count: 2, failures: 0 });
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      expect(Number(attrs.Attributes?.ApproximateNumberOfMessages)).toBe(30);
    } finally {
      sqs.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
