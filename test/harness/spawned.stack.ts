import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLlmSim } from '../../services/llm-sim/llm-sim.app';
import { createDb, migrateToLatest } from '../../shared/db/database';
import { startSqsEmulator } from '../../shared/sqs/sqs.emulator';
import { createTestDatabase, type Dialect } from './databases';
import { type ChildHandle, spawnEntry } from './processes';

export type SpawnedStack = Awaited<ReturnType<typeof startSpawnedStack>>;

/** The value of `field` on the first JSON log line whose message is `msg`. */
function logField(output: string, msg: string, field: string): string {
  for (const line of output.split('\n')) {
    if (!line.includes(msg)) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry.msg === msg) return String(entry[field]);
  }
  throw new Error(`no "${msg}" log line with ${field} in:\n${output}`);
}

/**
 * The chat path with the gateway, one chat worker and one writer as child processes started the
 * way production starts them (tracing preloaded), beside an in-process LLM simulator and SQS
 * emulator. For what only a real process shows: auto-instrumentation, exit-time flushes.
 */
export async function startSpawnedStack(opts: { database?: Dialect; env?: Record<string, string> } = {}) {
  const id = randomBytes(4).toString('hex');
  const database = await createTestDatabase(opts.database ?? 'sqlite');
  const sqs = await startSqsEmulator();
  const llm = createLlmSim({ settings: { ttftMs: 30, itlMs: 5, jitter: 0 } });
  const llmAddress = await llm.listen(0, '127.0.0.1');
  const env: Record<string, string> = {
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    AIRA_PREFIX: `test-${id}`,
    DATABASE_URL: database.url,
    AIRA_DATA_DIR: database.dataDir,
    SQS_ENDPOINT: sqs.endpoint,
    SQS_WRITES_QUEUE_NAME: `aira-writes-${id}.fifo`,
    OPENAI_BASE_URL: llmAddress.baseURL,
    OPENAI_MODEL: 'aira-sim',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    WRITER_WAIT_SECONDS: '1',
    ...opts.env,
  };
  const db = createDb({ url: database.url, dataDir: database.dataDir });
  await migrateToLatest(db);
  const children: ChildHandle[] = [];
  // Instrumented start-up is slow on a busy machine: start all three at once, and wait long.
  const spawn = async (entry: string, extra: Record<string, string>, ready: RegExp) => {
    const child = await spawnEntry(entry, { ...env, ...extra }, ready, 120_000);
    children.push(child);
    return child;
  };
  try {
    const [gateway, chat, writer] = await Promise.all([
      spawn('services/gateway/main.ts', {}, /gateway ready/),
      spawn('workers/chat/main.ts', { WORKER_ID: `chat-${id}` }, /chat worker ready/),
      spawn('workers/writer/main.ts', { WORKER_ID: `writer-${id}` }, /writer worker ready/),
    ]);
    return {
      id,
      env,
      db,
      baseUrl: logField(gateway.output(), 'gateway ready', 'url'),
      chatMetricsUrl: logField(chat.output(), 'chat worker ready', 'metrics'),
      writerMetricsUrl: logField(writer.output(), 'writer worker ready', 'metrics'),
      gateway,
      chat,
      writer,
      stop: () => stop(),
    };
  } catch (error) {
    // Let the others finish starting, so none is left behind.
    await new Promise((r) => setTimeout(r, 1000));
    await stop();
    throw error;
  }

  /** SIGTERM, so each process runs its shutdown path (and flushes its spans), then cleans up. */
  async function stop() {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await llm.close();
    await sqs.close();
    const redis = new Redis(env.REDIS_URL!);
    const keys = await redis.keys(`test-${id}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    await db.destroy();
    await database.drop();
  }
}
