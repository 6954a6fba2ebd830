import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { buildChatJob } from '../loadtest/flood/payloads';
import { catalog, chatJobOf } from '../shared/jobs/catalog';
import { createRedis } from '../shared/redis/connection';
import { redisKeys } from '../shared/redis/keys';
import { histogramQuantile, scrape } from './bench.metrics';
import { cpuMs, findChild } from './bench.proc';
import { loadAverage, ms, writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

/** A gauge's value from a scrape. */
const gauge = (text: string, name: string) =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);

/**
 * How many replies one chat worker process streams at once before its CPU or event loop becomes
 * the limit: for each concurrency, one worker (compiled, as the autoscaler starts it) is kept full
 * for a while — a new job for every one that finishes — against the LLM simulator's defaults
 * (first token after 150 ms, a token every 20 ms, 120 tokens), and its CPU, event-loop delay and
 * the gaps between the tokens it appends are read.
 */
export async function chatCapacityBench(opts: { levels?: number[]; seconds?: number } = {}) {
  const levels = opts.levels ?? [32, 64, 128, 256, 512];
  const seconds = opts.seconds ?? 20;
  const rows: string[] = [];
  const results: { concurrency: number; cpu: number; lagP99: number; gapP99: number; rate: number }[] = [];
  for (const concurrency of levels) {
    const stack = await startBenchStack({
      AUTOSCALE: 'false',
      CHAT_WORKERS: '1',
      WRITER_WORKERS: '1',
      CHAT_CONCURRENCY: String(concurrency),
      // The simulator must not be the limit.
      LLM_SIM_MAX_CONCURRENCY: '100000',
      LLM_SIM_MAX_QUEUE: '100000',
    });
    const connection = { url: stack.redisUrl, maxRetriesPerRequest: null };
    const queue = new Queue(catalog.chat.name, { connection, prefix: stack.prefix });
    const events = new QueueEvents(catalog.chat.name, { connection, prefix: stack.prefix });
    const redis = createRedis(stack.redisUrl, { name: 'bench' });
    const keys = redisKeys(stack.prefix);
    let stopAdding = false;
    try {
      await events.waitUntilReady();
      const worker = findChild(stack.pid, 'workers/chat/main');
      const metricsUrl = `http://127.0.0.1:${Number(new URL(stack.baseUrl).port) + 3000}/metrics`;
      let measuring = false;
      let completed = 0;
      const add = async () => {
        const job = buildChatJob(randomUUID());
        // A conversation that starts in Redis, as every conversation does: no database read for the prompt.
        await redis.set(keys.turnsComplete(job.conversationId), '1', 'EX', 600);
        const queued = chatJobOf(job);
        await queue.add(queued.name, queued.data, queued.opts);
      };
      events.on('completed', () => {
        if (measuring) completed += 1;
        if (!stopAdding) void add();
      });
      await Promise.all(Array.from({ length: concurrency }, add));
      // Let it fill up and settle before measuring.
      await new Promise((r) => setTimeout(r, 6000));
      const before = await scrape(metricsUrl);
      const cpu0 = cpuMs(worker) / 1000;
      const t0 = performance.now();
      const load0 = loadAverage();
      measuring = true;
      await new Promise((r) => setTimeout(r, seconds * 1000));
      measuring = false;
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = (cpuMs(worker) / 1000 - cpu0) / elapsed;
      const after = await scrape(metricsUrl);
      stopAdding = true;
      const lagP99 = gauge(after, 'nodejs_eventloop_lag_p99_seconds') * 1000;
      const gapP99 = histogramQuantile(before, after, 'aira_reply_inter_token_seconds', 0.99) * 1000;
      const rate = completed / elapsed;
      results.push({ concurrency, cpu, lagP99, gapP99, rate });
      rows.push(
        `| ${concurrency} | ${rate.toFixed(1)} | ${Math.round(cpu * 100)} % | ${ms((cpu * 1000) / Math.max(rate, 0.001))} | ${ms(lagP99)} | ≤ ${ms(gapP99)} | ${load0.toFixed(1)} |`,
      );
      process.stderr.write(`chat-capacity: ${rows.at(-1)}\n`);
    } finally {
      stopAdding = true;
      await events.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
      await stack.stop();
    }
  }
  const body = [
    `One chat worker (compiled, started by \`npm start\`'s launcher) kept full at each concurrency for ${seconds} s after a 6 s warm-up: a new job for each one that finishes. The LLM simulator runs its defaults (first token after 150 ms, then a token every 20 ms, 120 tokens, jitter 0.2) with no limit of its own; token batches of at most 20 ms go to the reply streams, finished turns to SQS.`,
    '',
    '| replies at once | replies/s | worker CPU (one core = 100 %) | CPU per reply | event-loop delay p99 | token gap p99 (simulator: 24 ms) | load average |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(body);
  writeSection(
    'chat-capacity',
    'Replies one chat worker streams at once',
    'npm run bench -- chat-capacity',
    body,
  );
  return results;
}
