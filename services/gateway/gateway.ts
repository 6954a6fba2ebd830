import { Queue } from 'bullmq';
import { createDb } from '../../shared/db/database';
import { catalog } from '../../shared/jobs/catalog';
import type { ChatJob } from '../../shared/jobs/chat.job';
import { createShutdown, once, type Shutdown } from '../../shared/lifecycle/shutdown';
import { createRedis } from '../../shared/redis/connection';
import { assertNoEviction } from '../../shared/redis/eviction.check';
import { redisKeys } from '../../shared/redis/keys';
import { createSqs, resolveWritesQueues } from '../../shared/sqs/sqs.client';
import { createWritesProducer } from '../../shared/sqs/writes.producer';
import { bullmqTelemetry } from '../../shared/telemetry/bullmq.telemetry';
import { createLogger, type Logger } from '../../shared/telemetry/logger';
import { createRegistry } from '../../shared/telemetry/metrics';
import { buildGateway } from './app';
import type { GatewayConfig } from './gateway.config';
import { createFleetsReader } from './ops/fleets.reader';
import { registerQueueMetrics } from './ops/queue.metrics';
import { createQueuesReader, sharedReadings } from './ops/queues.reader';
import { createStreamHub } from './replies/stream.hub';

/** How long a request waits for SQS to take its write before answering 503. */
const WRITES_WAIT_MS = 3000;

/**
 * Starts a gateway on its configured port. Its Redis footprint is fixed: one command connection,
 * one for the BullMQ producer, and one subscriber for every SSE stream it relays.
 */
export async function startGateway(config: GatewayConfig, parts: { log?: Logger; shutdown?: Shutdown } = {}) {
  const log = parts.log ?? createLogger('gateway', config.LOG_LEVEL);
  const registry = createRegistry('gateway');
  const keys = redisKeys(config.AIRA_PREFIX);
  // Commands of concurrent requests made in the same turn of the event loop are written together.
  const redis = createRedis(config.REDIS_URL, { name: 'gateway:cmd', enableAutoPipelining: true, log });
  // BullMQ's producer on a connection of its own: it defines forty scripts on its connection, and
  // every batch an auto-pipelining connection writes copies them.
  const queueConnection = createRedis(config.REDIS_URL, { name: 'gateway:queue', log });
  // A subscriber connection cannot answer the ready check's INFO once subscribed.
  const subscriber = createRedis(config.REDIS_URL, {
    name: 'gateway:streams',
    blocking: true,
    enableReadyCheck: false,
    log,
  });
  await assertNoEviction(redis);
  const db = createDb({ url: config.DATABASE_URL, dataDir: config.AIRA_DATA_DIR });
  const sqs = createSqs(config);
  const queues = await resolveWritesQueues(sqs, config);
  // A request waits this long for SQS to take its write, then answers 503; the write stays
  // queued in the producer and is sent once SQS is back.
  const writes = createWritesProducer({ sqs, queueUrl: queues.url, waitMs: WRITES_WAIT_MS, log });
  const chatQueue = new Queue<ChatJob>(catalog.chat.name, {
    connection: queueConnection,
    prefix: config.AIRA_PREFIX,
    // BullMQ's event stream (added, active, completed, …) is for watching, not a record: a
    // thousand events is minutes of history, in a fraction of the memory of BullMQ's default.
    streams: { events: { maxLen: 1000 } },
    telemetry: bullmqTelemetry(config),
  });
  const hub = createStreamHub({ subscriber, redis, keys, log });
  const ops = {
    queues: sharedReadings(
      createQueuesReader({
        redis,
        prefix: config.AIRA_PREFIX,
        sqs,
        writes: queues,
        // An SQS_ENDPOINT is the local emulator (npm start, tests); AWS runs without one.
        sqsEmulator: Boolean(config.SQS_ENDPOINT),
      }),
    ),
    fleets: createFleetsReader({ url: config.AUTOSCALER_URL }),
  };
  registerQueueMetrics({ registry, queues: ops.queues, log });
  const app = await buildGateway({
    config,
    log,
    registry,
    redis,
    keys,
    db,
    chatQueue,
    writes,
    hub,
    subscriber,
    ops,
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const port = Number(new URL(address).port);
  log.info({ url: address }, 'gateway ready');

  const shutdown = parts.shutdown ?? createShutdown(log);
  shutdown.add(
    'http server',
    once(() => app.close()),
  );
  shutdown.add(
    'stream hub',
    once(() => hub.close()),
  );
  shutdown.add(
    'queue',
    once(() => chatQueue.close()),
  );
  shutdown.add(
    'redis',
    once(async () => {
      await Promise.allSettled([redis.quit(), subscriber.quit(), queueConnection.quit()]);
    }),
  );
  shutdown.add(
    'database',
    once(() => db.destroy()),
  );
  shutdown.add('sqs', () => sqs.destroy());
  return {
    app,
    url: `http://${config.HOST}:${port}`,
    port,
    queues,
    shutdown,
    stop: () => shutdown.shutdown('stop'),
  };
}
