import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { backlogMetricName, oldestAgeMetricName, queueDimensionName } from './queue-metrics.names';
import { type QueueGetters, type QueueSnapshot, readQueueSnapshot } from './queue-metrics.reader';

/** The two CloudWatch data points one snapshot becomes. */
export function toMetricData(snapshot: QueueSnapshot, at: Date): MetricDatum[] {
  const dimensions = [{ Name: queueDimensionName, Value: snapshot.queue }];
  return [
    {
      MetricName: backlogMetricName,
      Dimensions: dimensions,
      Timestamp: at,
      Unit: 'Count',
      Value: snapshot.backlog,
    },
    {
      MetricName: oldestAgeMetricName,
      Dimensions: dimensions,
      Timestamp: at,
      Unit: 'Seconds',
      Value: Math.round(snapshot.oldestAgeSeconds * 1000) / 1000,
    },
  ];
}

export interface QueueMetricsPublisherDeps {
  readonly cloudwatch: Pick<CloudWatchClient, 'send'>;
  readonly namespace: string;
  readonly queues: readonly QueueGetters[];
  readonly now?: () => number;
}

export interface QueueMetricsPublisher {
  /** Reads every queue and sends all points in one PutMetricData call. */
  publishOnce(): Promise<QueueSnapshot[]>;
}

export function createQueueMetricsPublisher(deps: QueueMetricsPublisherDeps): QueueMetricsPublisher {
  const now = deps.now ?? Date.now;
  return {
    async publishOnce() {
      const at = now();
      const snapshots = await Promise.all(deps.queues.map((queue) => readQueueSnapshot(queue, at)));
      const data = snapshots.flatMap((snapshot) => toMetricData(snapshot, new Date(at)));
      await deps.cloudwatch.send(new PutMetricDataCommand({ Namespace: deps.namespace, MetricData: data }));
      return snapshots;
    },
  };
}
