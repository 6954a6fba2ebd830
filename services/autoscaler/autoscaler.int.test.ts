import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { decodeEntry } from '../../shared/replies/reply.events';
import { type Client, createClient, eventually } from '../../test/harness/client';
import { type Stack, startStack } from '../../test/harness/stack';
import { type Autoscaler, startAutoscaler } from './autoscaler';
import { loadAutoscalerConfig } from './autoscaler.config';
import { createJobLockReader, type JobLockReader } from './locks.bullmq';

/**
 * INTEGRATION, SLOW (about a minute; worker processes start under tsx): the autoscaler runs real
 * chat and writer worker processes against the whole stack (gateway, Redis, SQS emulator, SQLite,
 * LLM simulator), scales them on a flood of replies, retires busy ones without losing a job, and
 * restarts one killed with SIGKILL.
 */

type LogLine = Record<string, unknown> & { msg: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs: number,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

describe('autoscaler running real worker processes', () => {
  let stack: Stack;
  let autoscaler: Autoscaler;
  let locks: JobLockReader;
  let chatQueue: Queue;
  const logs: LogLine[] = [];
  const output: string[] = [];
  /** Every reply sent, to check at the end that each completed exactly once. */
  const replies: string[] = [];

  const chat = () => autoscaler.status().fleets.find((f) => f.name === 'chat')!;
  const writer = () => autoscaler.status().fleets.find((f) => f.name === 'writer')!;
  const running = (fleet: ReturnType<typeof chat>) => fleet.workers.filter((w) => w.state === 'running');
  const logged = (msg: string, match: Record<string, unknown> = {}) =>
    logs.filter((l) => l.msg === msg && Object.entries(match).every(([k, v]) => l[k] === v));

  /** The final events of a reply's stream, in order. */
  async function finals(replyId: string): Promise<string[]> {
    const entries = (await stack.redis.xrange(
      `${stack.env.AIRA_PREFIX}:reply:${replyId}:events`,
      '-',
      '+',
    )) as [string, string[]][];
    return entries.map((e) => decodeEntry(e).type).filter((t) => t !== 'token' && t !== 'reset');
  }

  async function allFinished(ids: readonly string[]): Promise<boolean> {
    const pipeline = stack.redis.pipeline();
    for (const id of ids)
      pipeline.xrevrange(`${stack.env.AIRA_PREFIX}:reply:${id}:events`, '+', '-', 'COUNT', 1);
    const results = (await pipeline.exec()) ?? [];
    return results.every(([, last]) => {
      const entry = (last as [string, string[]][])[0];
      return entry !== undefined && decodeEntry(entry).type === 'done';
    });
  }

  async function guests(n: number): Promise<{ client: Client; conversationId: string }[]> {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const client = await createClient(stack.baseUrl).guest();
        return { client, conversationId: await client.conversation() };
      }),
    );
  }

  beforeAll(async () => {
    stack = await startStack({
      chatWorkers: 0,
      writerWorkers: 0,
      llm: { ttftMs: 100, itlMs: 20, maxTokens: 30 },
    });
    const config = loadAutoscalerConfig({
      ...stack.env,
      AUTOSCALER_PORT: '0',
      AUTOSCALER_RESTART_BASE_MS: '300',
    });
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    autoscaler = await startAutoscaler({
      config,
      log,
      output: (line) => void output.push(line),
      fleets: {
        // A target above the concurrency lets the policy shrink the fleet while every worker is
        // busy, so retiring workers with jobs in hand is certain to happen.
        chat: {
          entry: 'chat-worker',
          env: stack.env,
          scaling: { max: 6, concurrency: 4, targetBacklogPerWorker: 8, scaleDownWindowSeconds: 5 },
        },
        writer: { entry: 'writer-worker', env: stack.env, scaling: { max: 1 } },
      },
    });
    locks = createJobLockReader({ redis: stack.redis, prefix: stack.env.AIRA_PREFIX!, queue: 'chat' });
    chatQueue = new Queue('chat', {
      connection: { url: stack.env.REDIS_URL, maxRetriesPerRequest: null },
      prefix: stack.env.AIRA_PREFIX,
    });
    await until(
      'one chat worker, a chat standby and one writer running',
      () => running(chat()).length === 1 && chat().standby.ready === 1 && running(writer()).length === 1,
      80_000,
    );
  }, 100_000);

  beforeEach(() => {
    onTestFailed(() => {
      const notable = logs.filter((l) => l.msg !== 'scaling decision' || l.direction !== 'hold');
      console.log(
        [
          ...notable.slice(-60).map((l) => JSON.stringify(l)),
          ...output.filter((l) => !l.includes('"level":30')).slice(-40),
        ].join('\n'),
      );
    });
  });

  afterAll(async () => {
    await autoscaler?.stop();
    await chatQueue?.close();
    await stack?.stop();
  }, 60_000);

  it('restarts a worker killed with SIGKILL, and its reply is completed once', async () => {
    stack.llm.setConfig({ ttftMs: 100, itlMs: 120 });
    const [user] = await guests(1);
    const victim = running(chat())[0]!;
    const { replyId } = await user!.client.send(
      user!.conversationId,
      'Tell me about the mountains in winter',
    );
    replies.push(replyId);
    await until(
      'the reply to be in the victim’s hands',
      async () => (await locks.read()).get(victim.lockId!),
      10_000,
    );
    process.kill(victim.pid!, 'SIGKILL');

    const crash = await until(
      'the crash to be logged',
      () => logged('worker exited unexpectedly', { worker: victim.id })[0],
      10_000,
    );
    expect(crash).toMatchObject({ signal: 'SIGKILL', crashLoop: false });
    const restarted = await until(
      'the worker to run again',
      () => running(chat()).find((w) => w.id === victim.id && w.pid !== victim.pid),
      20_000,
    );
    expect(restarted.restarts).toBe(1);

    await until('the reply to finish', () => allFinished([replyId]), 30_000);
    expect(await finals(replyId)).toEqual(['done']);
    const rows = await eventually(
      () => stack.db.selectFrom('messages').selectAll().where('reply_id', '=', replyId).execute(),
      (r) => r.length === 2,
      20_000,
    );
    expect(rows.filter((r) => r.role === 'assistant').map((r) => [r.id, r.status])).toEqual([
      [replyId, 'complete'],
    ]);
    expect(await (await fetch(`${autoscaler.url}/metrics`)).text()).toMatch(
      /aira_autoscaler_crashloop\{fleet="chat",service="autoscaler"\} 0/,
    );
  }, 60_000);

  it('scales up on a flood, drains it, retires busy workers without losing a job, and scales back down', async () => {
    stack.llm.setConfig({ ttftMs: 100, itlMs: 20 });
    const users = await guests(20);
    const before = new Set(chat().workers.map((w) => w.id));
    // When a worker started for the surge took its first job: BullMQ stamps `processedOn` as the
    // worker takes the job; the job's lock names the worker.
    let firstNewJobAt: number | undefined;
    let mostRunning = 0;
    let watching = true;
    const watcher = (async () => {
      const base = `${stack.env.AIRA_PREFIX}:chat:`;
      while (watching) {
        const fleet = chat();
        mostRunning = Math.max(mostRunning, running(fleet).length);
        const fresh = new Set(
          fleet.workers.filter((w) => !before.has(w.id) && w.lockId).map((w) => w.lockId),
        );
        if (firstNewJobAt === undefined && fresh.size > 0) {
          const active = await stack.redis.lrange(`${base}active`, 0, -1);
          const tokens =
            active.length > 0 ? await stack.redis.mget(active.map((id) => `${base}${id}:lock`)) : [];
          const taken = active.filter((_, i) => fresh.has(tokens[i]?.replace(/:\d+$/, '') ?? null));
          const stamps = await Promise.all(
            taken.map((id) => stack.redis.hget(`${base}${id}`, 'processedOn')),
          );
          const times = stamps.map(Number).filter((t) => t > 0);
          if (times.length > 0) firstNewJobAt = Math.min(...times);
        }
        await sleep(50);
      }
    })();

    // The surge: 200 replies at once from 20 guests.
    const surgeAt = Date.now();
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        users[i % 20]!.client.send(users[i % 20]!.conversationId, `Question ${i}?`),
      ),
    );
    replies.push(...flood.map((r) => r.replyId));
    await until('the flood to be answered', () => allFinished(flood.map((r) => r.replyId)), 90_000);

    const ups = logged('scaling decision', { fleet: 'chat', direction: 'up' }).filter(
      (d) => Date.parse(d.at as string) >= surgeAt,
    );
    expect(ups.length).toBeGreaterThan(0);
    expect(Math.max(...ups.map((d) => d.desired as number))).toBe(6);
    expect(mostRunning).toBeGreaterThanOrEqual(3);
    const firstUpAt = Date.parse(ups[0]!.at as string);
    expect(firstNewJobAt).toBeDefined();
    expect(firstNewJobAt! - firstUpAt).toBeLessThan(2000);
    console.log('TIMING', firstNewJobAt! - firstUpAt, mostRunning, Date.now() - surgeAt);

    // Long replies on a fleet the policy now finds too big: it retires workers holding them.
    stack.llm.setConfig({ ttftMs: 9000 });
    const long = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        users[i % 20]!.client.send(users[i % 20]!.conversationId, `Long ${i}`),
      ),
    );
    replies.push(...long.map((r) => r.replyId));
    const busyRetirement = await until(
      'a worker to be retired with jobs in hand',
      () =>
        logged('scaling decision', { fleet: 'chat', direction: 'down' })
          .flatMap((d) => d.retired as { id: string; state: string; inFlight?: number }[])
          .find((r) => r.state === 'running' && (r.inFlight ?? 0) > 0),
      40_000,
    );
    console.log('BUSY', JSON.stringify(busyRetirement));
    await until('the long replies to finish', () => allFinished(long.map((r) => r.replyId)), 60_000);
    stack.llm.setConfig({ ttftMs: 100 });

    await until('the chat fleet to shrink to its minimum', () => chat().workers.length === 1, 30_000);
    watching = false;
    await watcher;
    expect(logged('worker retired', { fleet: 'chat', worker: busyRetirement.id })).toMatchObject([
      { code: 0 },
    ]);
    for (const retired of logged('worker retired', { fleet: 'chat' })) expect(retired.code).toBe(0);

    // Every reply ended in exactly one `done`, and was stored once.
    const results = await Promise.all(replies.map((id) => finals(id)));
    expect(results.filter((f) => f.length !== 1 || f[0] !== 'done')).toEqual([]);
    const counts = await chatQueue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
    expect(counts).toMatchObject({ completed: replies.length, failed: 0, active: 0, wait: 0, delayed: 0 });
    const assistant = await eventually(
      () =>
        stack.db
          .selectFrom('messages')
          .select(['id', 'status'])
          .where('role', '=', 'assistant')
          .where('id', 'in', replies)
          .execute(),
      (rows) => rows.length === replies.length,
      30_000,
    );
    expect(new Set(assistant.map((r) => r.id)).size).toBe(replies.length);
    expect(assistant.every((r) => r.status === 'complete')).toBe(true);

    // Prometheus sees exactly the workers that are running.
    const dir = join(stack.env.AIRA_DATA_DIR!, 'prometheus', 'targets');
    const onlyWorker = running(chat())[0]!;
    expect(JSON.parse(readFileSync(join(dir, 'chat.json'), 'utf8'))).toEqual([
      { targets: [new URL(onlyWorker.metricsUrl!).host], labels: { fleet: 'chat' } },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'writer.json'), 'utf8'))[0].targets).toHaveLength(1);
    const metrics = await (await fetch(`${autoscaler.url}/metrics`)).text();
    expect(metrics).toMatch(
      /aira_autoscaler_decisions_total\{fleet="chat",direction="down",service="autoscaler"\} [1-9]/,
    );
    expect(metrics).toMatch(/aira_autoscaler_workers\{fleet="chat",service="autoscaler"\} 1/);
    const status = (await (await fetch(`${autoscaler.url}/status`)).json()) as { decisions: unknown[] };
    expect(status.decisions).toHaveLength(50);
  }, 240_000);

  it('stops by retiring every worker and waiting for them', async () => {
    const pids = [
      ...chat().workers,
      ...writer().workers,
      ...[chat(), writer()].flatMap((f) => f.standby.pids),
    ]
      .map((w) => (typeof w === 'number' ? w : w.pid))
      .filter((pid): pid is number => pid !== null);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    await autoscaler.stop();
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    const dir = join(stack.env.AIRA_DATA_DIR!, 'prometheus', 'targets');
    for (const fleet of ['chat', 'writer']) {
      expect(JSON.parse(readFileSync(join(dir, `${fleet}.json`), 'utf8'))[0].targets).toEqual([]);
    }
    await expect(fetch(`${autoscaler.url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
