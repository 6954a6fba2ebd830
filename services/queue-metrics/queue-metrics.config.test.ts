import { describe, expect, it } from 'vitest';
import { loadQueueMetricsConfig } from './queue-metrics.config';

describe('loadQueueMetricsConfig', () => {
  it('fills in the defaults', () => {
    const config = loadQueueMetricsConfig({});
    expect(config).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'bull',
      queues: ['chat'],
      intervalMs: 15_000,
      namespace: 'Aira/Queues',
      region: undefined,
      cloudWatchEndpoint: undefined,
      logLevel: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the variables, converting numbers and splitting the queue list', () => {
    const config = loadQueueMetricsConfig({
      REDIS_URL: 'rediss://cache:6379',
      QUEUE_METRICS_QUEUES: 'chat,summaries',
      QUEUE_METRICS_INTERVAL_SECONDS: '30',
      AWS_REGION: 'eu-west-1',
    });
    expect(config.redisUrl).toBe('rediss://cache:6379');
    expect(config.queues).toEqual(['chat', 'summaries']);
    expect(config.intervalMs).toBe(30_000);
    expect(config.region).toBe('eu-west-1');
  });

  it('names the bad variable', () => {
    expect(() => loadQueueMetricsConfig({ QUEUE_METRICS_INTERVAL_SECONDS: 'soon' })).toThrow(
      /QUEUE_METRICS_INTERVAL_SECONDS/,
    );
    expect(() => loadQueueMetricsConfig({ QUEUE_METRICS_INTERVAL_SECONDS: '0' })).toThrow(
      /QUEUE_METRICS_INTERVAL_SECONDS/,
    );
    expect(() => loadQueueMetricsConfig({ QUEUE_METRICS_QUEUES: 'chat,,x' })).toThrow(/QUEUE_METRICS_QUEUES/);
    expect(() => loadQueueMetricsConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
