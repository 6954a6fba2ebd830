import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { buildChatJob } from '../loadtest/flood/payloads';
import { buildRuntime } from '../scripts/build';
import { catalog, chatJobOf } from '../shared/jobs/catalog';
import { fleets } from '../shared/scaling/fleets.config';
import { createLogger, type Logger } from '../shared/telemetry/logger';
import { repoRoot } from '../test/harness/processes';
import { startStack } from '../test/harness/stack';
import { loadAverage, ms, writeSection } from './bench.report';

/*
 * The autoscaler is its own module; this benchmark is written against its entry point and loads it
 * at run time, so it builds (and says so plainly) where the module is absent.
 */
interface WorkerView {
  id: string;
  state: string;
  readyAt: string | null;
  metricsUrl: string | null;
}
interface FleetView {
  name: string;
  workers: WorkerView[];
  desired: number | null;
}
interface AutoscalerHandle {
  stop(): Promise<void>;
  status(): { fleets: FleetView[] };
  port: number;
}
interface AutoscalerModule {
  startAutoscaler(deps: {
    config: unknown;
    fleets: Record<
      'chat' | 'writer',
      { entry: string; env?: Record<string, string | undefined>; runtime?: 'compiled' | 'source' }
    >;
    log: Logger;
    output?: (line: string) => void;
  }): Promise<AutoscalerHandle>;
}
interface AutoscalerConfigModule {
  loadAutoscalerConfig(env: Record<string, string | undefined>): unknown;
}

const entry = resolve(repoRoot, 'services/autoscaler/autoscaler.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Jobs a worker has finished, from its /metrics (`aira_jobs_total`, all outcomes). */
async function jobsDone(metricsUrl: string): Promise<number> {
  try {
    const text = await (await fetch(new URL('/metrics', metricsUrl))).text();
    let n = 0;
    for (const line of text.split('\n'))
      if (line.startsWith('aira_jobs_total{')) n += Number(line.split(' ').at(-1));
    return n;
  } catch {
    return 0;
  }
}

/**
 * How fast the fleet reacts to a surge: N chat jobs land in the queue at once while one chat worker
 * runs; the clock runs from the moment they are all enqueued to the autoscaler's decision, to the
 * first new worker ready, to the first job finished by a worker that was not running at the surge,
 * and to an empty queue.
 */
export async function scaleOutBench(opts: { jobs?: number; maxWorkers?: number } = {}) {
  if (!existsSync(entry)) {
    console.log('scale-out: autoscaler not present (services/autoscaler/autoscaler.ts is missing); skipped');
    return { skipped: true };
  }
  const jobs = opts.jobs ?? 480;
  const maxWorkers = opts.maxWorkers ?? 5;
  const { startAutoscaler } = (await import(pathToFileURL(entry).href)) as AutoscalerModule;
  const { loadAutoscalerConfig } = (await import(
    pathToFileURL(resolve(repoRoot, 'services/autoscaler/autoscaler.config.ts')).href
  )) as AutoscalerConfigModule;

  const llm = { ttftMs: 200, itlMs: 20, maxTokens: 30 };
  // Workers start compiled, as npm start and production start them.
  await buildRuntime();
  const stack = await startStack({ chatWorkers: 0, writerWorkers: 0, llm });
  const output: string[] = [];
  let autoscaler: AutoscalerHandle | undefined;
  const queue = new Queue(catalog.chat.name, {
    connection: { url: stack.env.REDIS_URL, maxRetriesPerRequest: null },
    prefix: stack.env.AIRA_PREFIX,
  });
  try {
    const config = loadAutoscalerConfig({
      ...stack.env,
      AUTOSCALER_PORT: '0',
      AUTOSCALER_CHAT_MIN: '1',
      AUTOSCALER_CHAT_MAX: String(maxWorkers),
      AUTOSCALER_WRITER_MIN: '1',
      AUTOSCALER_WRITER_MAX: '1',
    });
    autoscaler = await startAutoscaler({
      config,
      log: createLogger('autoscaler', 'warn'),
      output: (line) => {
        output.push(line);
        if (output.length > 100) output.shift();
      },
      fleets: {
        chat: { entry: 'chat-worker', env: stack.env, runtime: 'compiled' },
        writer: { entry: 'writer-worker', env: stack.env, runtime: 'compiled' },
      },
    });
    const chat = () => autoscaler!.status().fleets.find((f) => f.name === 'chat')!;
    const running = () => chat().workers.filter((w) => w.state === 'running' && w.readyAt);
    const settled = Date.now() + 120_000;
    while (running().length < 1) {
      if (Date.now() > settled) throw new Error(`no chat worker ready in 120 s:\n${output.join('\n')}`);
      await sleep(200);
    }
    // Let the standby (if the autoscaler keeps one) finish loading, as it would be in service.
    await sleep(10_000);
    const initial = new Set(running().map((w) => w.id));

    const batch = Array.from({ length: jobs }, () => chatJobOf(buildChatJob(randomUUID())));
    const loadBefore = loadAverage();
    const enqueueStart = performance.now();
    await queue.addBulk(batch);
    const surge = performance.now();
    const at: { decision?: number; newReady?: number; firstNewJob?: number; drained?: number } = {};
    let peak = initial.size;
    while (at.drained === undefined) {
      const now = performance.now() - surge;
      if (now > 180_000) throw new Error(`backlog not drained in 180 s:\n${output.slice(-30).join('\n')}`);
      const fleet = chat();
      const fresh = fleet.workers.filter((w) => !initial.has(w.id) && w.state === 'running' && w.readyAt);
      peak = Math.max(peak, fleet.workers.filter((w) => w.state === 'running').length);
      if (at.decision === undefined && (fleet.desired ?? 0) > initial.size) at.decision = now;
      if (at.newReady === undefined && fresh.length) at.newReady = now;
      if (at.firstNewJob === undefined) {
        const done = await Promise.all(fresh.map((w) => (w.metricsUrl ? jobsDone(w.metricsUrl) : 0)));
        if (done.some((n) => n > 0)) at.firstNewJob = performance.now() - surge;
      }
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) at.drained = performance.now() - surge;
      await sleep(100);
    }
    const failed = await queue.getJobCounts('failed');
    const show = (v: number | undefined) => (v === undefined ? 'not reached' : `**${ms(v)}**`);
    const body = [
      `${jobs} chat jobs added to the queue in one \`addBulk\` (${ms(surge - enqueueStart)}) while one chat worker ran; the autoscaler (default poll interval and standby, chat fleet bounds 1–${maxWorkers}, ${fleets.chat.concurrency} replies per worker, worker processes started compiled as npm start starts them) reacts. Each job is an LLM simulator reply of ${llm.maxTokens} tokens (first after ${llm.ttftMs} ms, then every ${llm.itlMs} ms). Times from the moment the last job was enqueued; load average ${loadBefore.toFixed(1)} at the surge.`,
      '',
      '| from the surge to | time |',
      '|---|---|',
      `| the autoscaler wanting more chat workers | ${show(at.decision)} |`,
      `| the first new chat worker ready | ${show(at.newReady)} |`,
      `| the first job finished by a worker not running at the surge | ${show(at.firstNewJob)} |`,
      `| the backlog drained (nothing waiting or active) | ${show(at.drained)} |`,
      '',
      `Chat workers running at most: ${peak}; failed jobs: ${failed.failed ?? 0}. A promoted standby counts as a new worker: that is what the standby is for. The first finish includes the job itself (at least about 0.8 s of simulated reply), and the drain time is bound by the 2 shared cores as much as by the worker count.`,
    ].join('\n');
    console.log(body);
    writeSection('scale-out', 'Scale-out after a surge', 'npm run bench -- scale-out', body);
    return at;
  } finally {
    await autoscaler?.stop();
    await queue.close();
    await stack.stop();
  }
}
