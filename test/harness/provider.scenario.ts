import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuntime } from '../../scripts/build';
import { createClient, type SseEvent } from './client';
import { freePort } from './ports';
import { deleteKeys } from './prefix.cleanup';
import { spawnCompiled } from './processes';

export interface ProviderScenario {
  /** The simulator's requests per minute (LLM_SIM_RPM). */
  readonly rpm: number;
  /** Chats sent at once, each by a new guest in a conversation of its own. */
  readonly chats: number;
  /** The simulator's timing, smaller than its defaults to keep the machine free for the stack. */
  readonly llm?: { ttftMs: number; itlMs: number; maxTokens: number };
}

interface FleetStatus {
  name: string;
  workers: { state: string }[];
  provider?: { limiting: boolean; reason: string; waiting: number } | null;
  lastDecision?: { reason: string } | null;
}

export interface ProviderScenarioResult {
  readonly scenario: ProviderScenario;
  /** Final event of each reply, by name. */
  readonly ended: Record<string, number>;
  /** From the first message sent to the last reply ended. */
  readonly seconds: number;
  /** 429s the simulator answered, and its answers by status (its /metrics). */
  readonly sim429: number;
  readonly simByStatus: Record<string, number>;
  /** The simulator's own counts (GET /sim/stats): 429s of its rate limits apart from a full queue. */
  readonly simStats: { requests: number; rateLimited: number; queueFull: number };
  /** `done.timings.providerWaitMs` and `queueWaitMs` of the replies: the largest and the mean. */
  readonly providerWait: { maxMs: number; meanMs: number };
  readonly queueWait: { maxMs: number; meanMs: number };
  /** What /api/ops/status said of the chat fleet's provider, sampled every 250 ms. */
  readonly opsSamples: number;
  readonly opsLimiting: number;
  /** A reason the status gave while the provider was the limit, and the autoscaler's decision then. */
  readonly limitingReason: string | null;
  readonly decisionWhileLimited: string | null;
  /** Most chat workers running at once. */
  readonly maxChatWorkers: number;
}

let built: Promise<unknown> | undefined;

/**
 * `npm start` compiled (the launcher, the autoscaler running the fleets, the LLM simulator with
 * LLM_SIM_RPM), on free ports and a Redis prefix of its own; `chats` new guests each send one
 * message at once and read their reply's stream to its end, while /api/ops/status is sampled.
 */
export async function runProviderScenario(scenario: ProviderScenario): Promise<ProviderScenarioResult> {
  built ??= buildRuntime();
  await built;
  const [port, llmPort, sqsPort, autoscalerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'aira-provider-'));
  const opsToken = randomBytes(16).toString('hex');
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const llm = scenario.llm ?? { ttftMs: 100, itlMs: 10, maxTokens: 40 };
  const stack = await spawnCompiled(
    'start',
    {
      REDIS_URL: redisUrl,
      PORT: String(port),
      LLM_SIM_PORT: String(llmPort),
      SQS_EMULATOR_PORT: String(sqsPort),
      AUTOSCALER_PORT: String(autoscalerPort),
      AUTOSCALER_URL: `http://127.0.0.1:${autoscalerPort}/status`,
      // Workers under the autoscaler take any free port; these are for fixed fleets only.
      CHAT_METRICS_PORT_BASE: '0',
      WRITER_METRICS_PORT_BASE: '0',
      AIRA_PREFIX: prefix,
      AIRA_DATA_DIR: dataDir,
      SQS_WRITES_QUEUE_NAME: `aira-writes-${prefix}.fifo`,
      OPS_TOKEN: opsToken,
      LOG_LEVEL: 'warn',
      LLM_SIM_RPM: String(scenario.rpm),
      LLM_SIM_TTFT_MS: String(llm.ttftMs),
      LLM_SIM_ITL_MS: String(llm.itlMs),
      LLM_SIM_MAX_TOKENS: String(llm.maxTokens),
      // One client address sends every chat: the gateway's per-address limits are not under test.
      RATE_LIMIT_AUTH_PER_MIN: '1000000',
      RATE_LIMIT_CHAT_PER_MIN: '1000000',
    },
    /\[aira\] ready/,
    180_000,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  let sampling = true;
  let opsSamples = 0;
  let opsLimiting = 0;
  let limitingReason: string | null = null;
  let decisionWhileLimited: string | null = null;
  let maxChatWorkers = 0;
  try {
    const client = createClient(baseUrl);
    const guests = await Promise.all(
      Array.from({ length: scenario.chats }, async () => {
        const guest = await client.guest();
        return { guest, conversationId: await guest.conversation() };
      }),
    );
    const sampler = (async () => {
      while (sampling) {
        const res = await client.request('GET', '/api/ops/status', undefined, {
          authorization: `Bearer ${opsToken}`,
        });
        const chat = (res.json?.fleets as FleetStatus[] | undefined)?.find((f) => f.name === 'chat');
        if (chat) {
          opsSamples++;
          maxChatWorkers = Math.max(maxChatWorkers, chat.workers.filter((w) => w.state === 'running').length);
          if (chat.provider?.limiting) {
            opsLimiting++;
            limitingReason ??= chat.provider.reason;
            if (chat.lastDecision?.reason.includes('provider budget'))
              decisionWhileLimited ??= chat.lastDecision.reason;
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const started = Date.now();
    const finals = await Promise.all(
      guests.map(async ({ guest, conversationId }) => {
        const { replyId } = await guest.send(conversationId, 'Tell me something about the sea.');
        const { events } = await guest.stream(replyId);
        return events.at(-1) as SseEvent | undefined;
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;

    const ended: Record<string, number> = {};
    for (const e of finals) ended[e?.event ?? 'none'] = (ended[e?.event ?? 'none'] ?? 0) + 1;
    const timings = finals
      .filter((e) => e?.event === 'done')
      .map(
        (e) =>
          (JSON.parse(e!.data) as { timings?: { providerWaitMs?: number; queueWaitMs: number } }).timings,
      );
    const stat = (values: number[]) => ({
      maxMs: Math.max(0, ...values),
      meanMs: values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : 0,
    });
    const metrics = await (await fetch(`http://127.0.0.1:${llmPort}/metrics`)).text();
    const simByStatus: Record<string, number> = {};
    for (const [, status, value] of metrics.matchAll(
      /^llm_sim_responses_total\{[^}]*status="(\d+)"[^}]*\} (\S+)/gm,
    ))
      simByStatus[status!] = (simByStatus[status!] ?? 0) + Number(value);
    const stats = (await (await fetch(`http://127.0.0.1:${llmPort}/sim/stats`)).json()) as {
      requests: number;
      rateLimited: number;
      queueFull: number;
    };
    return {
      scenario,
      ended,
      simStats: { requests: stats.requests, rateLimited: stats.rateLimited, queueFull: stats.queueFull },
      seconds,
      sim429: simByStatus['429'] ?? 0,
      simByStatus,
      providerWait: stat(timings.map((t) => t?.providerWaitMs ?? 0)),
      queueWait: stat(timings.map((t) => t?.queueWaitMs ?? 0)),
      opsSamples,
      opsLimiting,
      limitingReason,
      decisionWhileLimited,
      maxChatWorkers,
    };
  } finally {
    sampling = false;
    stack.kill('SIGTERM');
    await stack.exited;
    await deleteKeys(redisUrl, prefix);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
