import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { startGateway } from '../../services/gateway/gateway';
import { loadGatewayConfig } from '../../services/gateway/gateway.config';
import { createLlmSim } from '../../services/llm-sim/llm-sim.app';
import type { SimSettingsPatch } from '../../services/llm-sim/llm-sim.config';
import { createDb, type Db, migrateToLatest } from '../../shared/db/database';
import { startSqsEmulator } from '../../shared/sqs/sqs.emulator';
import { loadChatWorkerConfig } from '../../workers/chat/chat.config';
import { startChatWorker } from '../../workers/chat/chat.worker';
import { loadWriterWorkerConfig } from '../../workers/writer/writer.config';
import { startWriterWorker } from '../../workers/writer/writer.worker';
import { createTestDatabase, type Dialect } from './databases';
import { type ChildHandle, repoRoot, spawnEntry } from './processes';

export interface StackOptions {
  database?: Dialect;
  llm?: SimSettingsPatch;
  /** Chat workers run in this process (0 to start none, e.g. when a test spawns its own). */
  chatWorkers?: number;
  writerWorkers?: number;
  env?: Record<string, string>;
  /**
   * The database URL the services use, given the stack's own (e.g. a fault-injecting proxy in
   * front of it). The stack's `db` handle and the migrations keep the direct URL.
   */
  serviceDatabaseUrl?: (url: string) => string | Promise<string>;
  /** The SQS endpoint the services use, given the emulator's (the stack's `sqs` keeps the direct one). */
  serviceSqsEndpoint?: (endpoint: string) => string | Promise<string>;
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * The whole chat path on random ports with its own Redis prefix, queue names and database: the
 * gateway, chat and writer workers, the LLM simulator and the SQS emulator, all real.
 */
export async function startStack(opts: StackOptions = {}) {
  const id = randomBytes(4).toString('hex');
  const database = await createTestDatabase(opts.database ?? 'sqlite');
  const sqs = await startSqsEmulator();
  const llm = createLlmSim({ settings: { ttftMs: 30, itlMs: 5, jitter: 0, ...opts.llm } });
  const llmAddress = await llm.listen(0, '127.0.0.1');
  const env: Record<string, string> = {
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    AIRA_PREFIX: `test-${id}`,
    DATABASE_URL: opts.serviceDatabaseUrl ? await opts.serviceDatabaseUrl(database.url) : database.url,
    AIRA_DATA_DIR: database.dataDir,
    SQS_ENDPOINT: opts.serviceSqsEndpoint ? await opts.serviceSqsEndpoint(sqs.endpoint) : sqs.endpoint,
    SQS_WRITES_QUEUE_NAME: `aira-writes-${id}.fifo`,
    OPENAI_BASE_URL: llmAddress.baseURL,
    OPENAI_MODEL: 'aira-sim',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    WRITER_WAIT_SECONDS: '1',
    CHAT_LOCK_MS: '4000',
    CHAT_STALLED_INTERVAL_MS: '1000',
    SSE_HEARTBEAT_MS: '15000',
    WEB_DIST_DIR: resolve(repoRoot, 'web/dist'),
    // Tests create many users from one address; the limits themselves have their own test.
    RATE_LIMIT_AUTH_PER_MIN: '1000000',
    RATE_LIMIT_CHAT_PER_MIN: '1000000',
    ...opts.env,
  };
  const db: Db = createDb({ url: database.url, dataDir: database.dataDir });
  await migrateToLatest(db);
  const gateway = await startGateway(loadGatewayConfig(env));
  const chatWorkers = await Promise.all(
    Array.from({ length: opts.chatWorkers ?? 1 }, (_, i) =>
      startChatWorker(loadChatWorkerConfig({ ...env, WORKER_ID: `chat-${id}-${i}` }), { drainMs: 10_000 }),
    ),
  );
  const writers = await Promise.all(
    Array.from({ length: opts.writerWorkers ?? 1 }, (_, i) =>
      startWriterWorker(loadWriterWorkerConfig({ ...env, WORKER_ID: `writer-${id}-${i}` })),
    ),
  );
  const redis = new Redis(env.REDIS_URL!);
  // A case that crashes Redis sees its commands fail; the reconnect errors need no printing.
  redis.on('error', () => {});
  const children: ChildHandle[] = [];
  const spawning = new Set<Promise<ChildHandle>>();

  return {
    id,
    env,
    baseUrl: gateway.url,
    gateway,
    chatWorkers,
    writers,
    llm,
    sqs,
    db,
    redis,
    queues: gateway.queues,
    /** Starts a chat worker as a child process (one that a test can kill -9). */
    async spawnChatWorker(extra: Record<string, string> = {}) {
      const child = await spawnEntry(
        'workers/chat/main.ts',
        { ...env, LOG_LEVEL: 'info', WORKER_ID: `chat-${id}-child-${children.length}`, ...extra },
        /chat worker ready/,
      );
      children.push(child);
      return child;
    },
    async stop() {
      await Promise.allSettled([...spawning]);
      for (const child of children) child.kill('SIGKILL');
      await gateway.stop();
      await Promise.all(chatWorkers.map((w) => w.stop()));
      await Promise.all(writers.map((w) => w.stop()));
      await llm.close();
      await sqs.close();
      const keys = await redis.keys(`test-${id}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      redis.disconnect();
      await db.destroy();
      await database.drop();
    },
  };
}
