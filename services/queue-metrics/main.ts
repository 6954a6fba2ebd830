/**
 * Queue-metrics publisher: every interval it reads the BullMQ queues' backlog and oldest waiting
 * job and puts them into CloudWatch, where the chat fleet's scaling policies and alarms read them.
 * One small task runs it for the whole system (SQS publishes its own queue metrics).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Queue } from 'bullmq';
import { runProcess } from '../../shared/process/run.process';
import { createRedis } from '../../shared/redis/connection';
import { loadQueueMetricsConfig } from './queue-metrics.config';
import { createQueueMetricsPublisher } from './queue-metrics.publisher';

runProcess({
  name: 'queue-metrics',
  config: loadQueueMetricsConfig,
  logLevel: (config) => config.logLevel,
  main: async ({ config, log, shutdown }) => {
    const redis = createRedis(config.redisUrl, { name: 'queue-metrics', blocking: true, log });
    const queues = config.queues.map((name) => new Queue(name, { connection: redis, prefix: config.prefix }));
    const cloudwatch = new CloudWatchClient({
      ...(config.region ? { region: config.region } : {}),
      ...(config.cloudWatchEndpoint ? { endpoint: config.cloudWatchEndpoint } : {}),
    });
    const publisher = createQueueMetricsPublisher({ cloudwatch, namespace: config.namespace, queues });

    let timer: NodeJS.Timeout | undefined;
    let stopping = false;
    // A failed round is logged and the next one tries again; a gap in the metric only holds scaling.
    const tick = async (): Promise<void> => {
      try {
        const snapshots = await publisher.publishOnce();
        log.debug({ snapshots }, 'queue metrics published');
      } catch (err) {
        log.error({ err }, 'queue metrics round failed');
      }
      if (!stopping) timer = setTimeout(tick, config.intervalMs);
    };
    shutdown.add('publishing', () => {
      stopping = true;
      clearTimeout(timer);
    });
    shutdown.add('queues and redis', async () => {
      await Promise.allSettled(queues.map((queue) => queue.close()));
      redis.disconnect();
    });
    shutdown.add('cloudwatch', () => cloudwatch.destroy());

    log.info(
      { queues: config.queues, intervalMs: config.intervalMs, namespace: config.namespace },
      'starting',
    );
    void tick();
  },
});
