import { Consumer } from 'sqs-consumer';
import { createTaskProtection, protectedWhile } from '../../shared/aws/task-protection';
import { createDb } from '../../shared/db/database';
import { createShutdown, once, type Shutdown } from '../../shared/lifecycle/shutdown';
import { createRedis } from '../../shared/redis/connection';
import { redisKeys } from '../../shared/redis/keys';
import { createSqs, resolveWritesQueues } from '../../shared/sqs/sqs.client';
import { createLogger, type Logger } from '../../shared/telemetry/logger';
import { createRegistry } from '../../shared/telemetry/metrics';
import { startMetricsServer } from '../../shared/telemetry/metrics.server';
import type { WriterWorkerConfig } from './writer.config';
import { createWriterMetrics } from './writer.metrics';
import { createWritesHandler } from './writes.handler';
import { traceBatches } from './writes.tracing';

/**
 * Starts a writer worker: an SQS consumer of the FIFO `writes` queue (long polling, batches of up
 * to 10, visibility extended while a batch is written) that writes to the database.
 */
export async function startWriterWorker(
  config: WriterWorkerConfig,
  parts: { log?: Logger; shutdown?: Shutdown } = {},
) {
  const log = (parts.log ?? createLogger('writer-worker', config.LOG_LEVEL)).child({
    workerId: config.WORKER_ID,
  });
  const registry = createRegistry('writer-worker');
  const metrics = createWriterMetrics(registry);
  const redis = createRedis(config.REDIS_URL, { name: `${config.WORKER_ID}:cmd`, blocking: true, log });
  const db = createDb({ url: config.DATABASE_URL, dataDir: config.AIRA_DATA_DIR, poolSize: 4 });
  const sqs = createSqs(config);
  const queues = await resolveWritesQueues(sqs, config);
  let stopping = false;
  const handleBatch = createWritesHandler({
    db,
    redis,
    keys: redisKeys(config.AIRA_PREFIX),
    sqs,
    dlqUrl: queues.dlqUrl,
    metrics,
    log,
    dbRetryMs: config.WRITER_DB_RETRY_S * 1000,
    stopping: () => stopping,
    storedStreamTtlSeconds: config.REPLY_STREAM_STORED_TTL_S,
    answersTtlSeconds: config.SESSION_TTL_S,
  });
  const protection = createTaskProtection({
    agentUri: config.ECS_AGENT_URI,
    lingerMs: config.TASK_PROTECTION_LINGER_MS,
    log,
  });
  const consumers = Array.from({ length: config.WRITER_RECEIVERS }, () =>
    Consumer.create({
      queueUrl: queues.url,
      sqs,
      batchSize: config.WRITER_BATCH_SIZE,
      waitTimeSeconds: config.WRITER_WAIT_SECONDS,
      visibilityTimeout: config.WRITER_VISIBILITY_S,
      heartbeatInterval: Math.max(1, Math.floor(config.WRITER_VISIBILITY_S / 3)),
      messageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount'],
      messageAttributeNames: ['All'],
      handleMessageBatch: traceBatches(queues.name, protectedWhile(protection, handleBatch)),
      // Each receiver takes one batch at a time; the handler keeps a group's batches in order.
      suppressFifoWarning: true,
      // stop() waits for the batch in hand before reporting stopped.
      pollingCompleteWaitTimeMs: 60_000,
    }),
  );
  for (const consumer of consumers) {
    consumer.on('error', (error) => log.error({ err: error }, 'sqs error'));
    consumer.on('processing_error', (error) => log.error({ err: error }, 'batch failed'));
  }
  const server = await startMetricsServer(registry, config.METRICS_PORT, config.METRICS_HOST);
  for (const consumer of consumers) consumer.start();
  log.info({ metrics: server.url, queue: queues.name }, 'writer worker ready');

  const shutdown = parts.shutdown ?? createShutdown(log);
  shutdown.add('stop polling and finish the batch', async () => {
    stopping = true;
    await Promise.all(
      consumers.map(
        (consumer) =>
          new Promise<void>((resolve) => {
            if (!consumer.status.isRunning) return resolve();
            consumer.once('stopped', () => resolve());
            consumer.stop({ abort: false });
          }),
      ),
    );
  });
  shutdown.add('task protection', () => protection.close());
  shutdown.add('metrics server', once(server.close));
  shutdown.add(
    'redis',
    once(() => redis.quit()),
  );
  shutdown.add(
    'database',
    once(() => db.destroy()),
  );
  shutdown.add('sqs', () => sqs.destroy());
  return { consumers, queues, metricsPort: server.port, shutdown, stop: () => shutdown.shutdown('stop') };
}
