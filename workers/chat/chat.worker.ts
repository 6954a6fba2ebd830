import { Worker } from 'bullmq';
import OpenAI from 'openai';
import { createTaskProtection, protectedWhile } from '../../shared/aws/task-protection';
import { createDb } from '../../shared/db/database';
import { catalog } from '../../shared/jobs/catalog';
import type { ChatJob } from '../../shared/jobs/chat.job';
import { createShutdown, once, type Shutdown } from '../../shared/lifecycle/shutdown';
import { createProviderBudget } from '../../shared/provider/provider.budget';
import { createRedis } from '../../shared/redis/connection';
import { assertNoEviction } from '../../shared/redis/eviction.check';
import { redisKeys } from '../../shared/redis/keys';
import { deferredWritesProducer } from '../../shared/sqs/writes.deferred';
import { bullmqTelemetry } from '../../shared/telemetry/bullmq.telemetry';
import { createLogger, type Logger } from '../../shared/telemetry/logger';
import { createRegistry } from '../../shared/telemetry/metrics';
import { startMetricsServer } from '../../shared/telemetry/metrics.server';
import { createCancelRegistry } from './cancel.registry';
import type { ChatWorkerConfig } from './chat.config';
import { createChatMetrics } from './chat.metrics';
import { createReplyHandler, HandBackError } from './reply.handler';

/**
 * Starts a chat worker: a BullMQ consumer of the `chat` queue that streams replies into Redis.
 * Returned `stop()` is the one shutdown path: stop taking jobs, let running replies finish until
 * `drainMs`, hand the rest back to the queue, then close connections.
 */
export async function startChatWorker(
  config: ChatWorkerConfig,
  opts: { drainMs?: number; log?: Logger; shutdown?: Shutdown } = {},
) {
  const log = (opts.log ?? createLogger('chat-worker', config.LOG_LEVEL)).child({
    workerId: config.WORKER_ID,
  });
  const registry = createRegistry('chat-worker');
  const metrics = createChatMetrics(registry);
  const keys = redisKeys(config.AIRA_PREFIX);
  // Token batches of every reply being streamed go out on this connection: those made in the same
  // turn of the event loop are written together.
  const redis = createRedis(config.REDIS_URL, {
    name: `${config.WORKER_ID}:cmd`,
    blocking: true,
    enableAutoPipelining: true,
    log,
  });
  // A subscriber connection cannot answer the ready check's INFO once subscribed.
  const subscriber = createRedis(config.REDIS_URL, {
    name: `${config.WORKER_ID}:cancel`,
    blocking: true,
    enableReadyCheck: false,
    log,
  });
  const db = createDb({ url: config.DATABASE_URL, dataDir: config.AIRA_DATA_DIR, poolSize: 4 });
  const writesQueue = deferredWritesProducer(async () => {
    const [{ createSqs, resolveWritesQueues }, { createWritesProducer }] = await Promise.all([
      import('../../shared/sqs/sqs.client'),
      import('../../shared/sqs/writes.producer'),
    ]);
    const sqs = createSqs(config);
    const queues = await resolveWritesQueues(sqs, config);
    // A finished turn waits in the producer while SQS is unreachable; its job ends once SQS has it.
    return { sqs, producer: createWritesProducer({ sqs, queueUrl: queues.url, log }) };
  });
  const writes = writesQueue.producer;
  const cancels = createCancelRegistry({ subscriber, channel: keys.cancelChannel, log });
  // Independent steps of the start, at once: a new worker is wanted soon. Without the queue's
  // address given (as the autoscaler and ECS give it), the SQS client is needed to look it up.
  await Promise.all([
    assertNoEviction(redis),
    cancels.start(),
    config.SQS_WRITES_QUEUE_URL ? undefined : writesQueue.load(),
  ]);
  // The client retries nothing itself: a 429 is the fleet's to wait out through the shared budget
  // (a retry of the client's own would spend budget every other worker is waiting for), anything
  // else the job's.
  const openai = new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    maxRetries: 0,
  });
  // A call's lease outlasts its timeout, so only a dead worker's call lapses.
  const budget = createProviderBudget(redis, keys, { callLeaseMs: config.LLM_TIMEOUT_MS + 30_000 });

  const handler = createReplyHandler({
    redis,
    keys,
    db,
    openai,
    model: config.OPENAI_MODEL,
    maxTokens: config.CHAT_MAX_TOKENS,
    llmTimeoutMs: config.LLM_TIMEOUT_MS,
    batchMs: config.TOKEN_BATCH_MS,
    streamTtlSeconds: config.REPLY_STREAM_TTL_S,
    turns: { max: config.TURNS_MAX, ttlSeconds: config.TURNS_TTL_S },
    writes,
    cancels,
    budget,
    maxRefusals: config.LLM_MAX_REFUSALS,
    metrics,
    log,
  });
  const protection = createTaskProtection({
    agentUri: config.ECS_AGENT_URI,
    lingerMs: config.TASK_PROTECTION_LINGER_MS,
    log,
  });
  const worker = new Worker<ChatJob>(catalog.chat.name, protectedWhile(protection, handler), {
    connection: {
      url: config.REDIS_URL,
      maxRetriesPerRequest: null,
      connectionName: `${config.WORKER_ID}:bullmq`,
    },
    prefix: config.AIRA_PREFIX,
    concurrency: config.CHAT_CONCURRENCY,
    lockDuration: config.CHAT_LOCK_MS,
    stalledInterval: config.CHAT_STALLED_INTERVAL_MS,
    // A worker killed mid-reply leaves its job stalled; another worker takes it up (twice at most).
    maxStalledCount: 2,
    autorun: false,
    // The job's `process` span continues the trace of the request that enqueued it.
    telemetry: bullmqTelemetry(config),
  });
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  worker.on('failed', (job, error) => log.warn({ replyId: job?.id, err: error.message }, 'job failed'));
  void worker.run();
  const [server] = await Promise.all([
    startMetricsServer(registry, config.METRICS_PORT, config.METRICS_HOST),
    worker.waitUntilReady(),
  ]);
  log.info({ metrics: server.url, concurrency: config.CHAT_CONCURRENCY }, 'chat worker ready');
  // Taking jobs; now the SDK for the writes, well before the first reply ends.
  setImmediate(() => {
    writesQueue.load().catch((error) => log.error({ err: error }, 'SQS client failed to load'));
  });

  const shutdown = opts.shutdown ?? createShutdown(log);
  const drainMs = opts.drainMs ?? 120_000;
  shutdown.add('stop taking jobs and drain', async () => {
    const closing = worker.close();
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), drainMs).unref());
    if ((await Promise.race([closing, deadline])) === 'late') {
      log.warn({ inFlight: cancels.size }, 'drain deadline passed; handing jobs back to the queue');
      cancels.abortAll(new HandBackError('worker retiring'));
      await closing;
    }
  });
  shutdown.add('task protection', () => protection.close());
  shutdown.add('metrics server', once(server.close));
  shutdown.add(
    'redis',
    once(async () => {
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
    }),
  );
  shutdown.add(
    'database',
    once(() => db.destroy()),
  );
  shutdown.add('sqs', () => writesQueue.destroy());
  return { worker, metricsPort: server.port, shutdown, stop: () => shutdown.shutdown('stop') };
}
