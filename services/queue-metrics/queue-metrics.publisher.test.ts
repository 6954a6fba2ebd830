import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it, vi } from 'vitest';
import { createQueueMetricsPublisher, toMetricData } from './queue-metrics.publisher';
import type { QueueGetters } from './queue-metrics.reader';

const now = Date.parse('2026-01-01T12:00:00Z');

// Just the getters the reader calls, answering like BullMQ would.
function fakeQueue(
  name: string,
  counts: Record<string, number>,
  oldest?: { timestamp: number; delay: number },
): QueueGetters {
  return {
    name,
    getJobCounts: async () => counts,
    getJobs: async () => (oldest ? [oldest] : []),
  } as unknown as QueueGetters;
}

describe('toMetricData', () => {
  it('maps a snapshot to Backlog and OldestAgeSeconds with the Queue dimension', () => {
    const at = new Date(now);
    const data = toMetricData(
      { queue: 'chat', waiting: 5, prioritized: 1, active: 16, backlog: 22, oldestAgeSeconds: 3.25 },
      at,
    );
    expect(data).toEqual([
      {
        MetricName: 'Backlog',
        Dimensions: [{ Name: 'Queue', Value: 'chat' }],
        Timestamp: at,
        Unit: 'Count',
        Value: 22,
      },
      {
        MetricName: 'OldestAgeSeconds',
        Dimensions: [{ Name: 'Queue', Value: 'chat' }],
        Timestamp: at,
        Unit: 'Seconds',
        Value: 3.25,
      },
    ]);
  });
});

describe('createQueueMetricsPublisher', () => {
  it('sends every queue in one PutMetricData call to the namespace', async () => {
    const send = vi.fn(async (_command: PutMetricDataCommand) => ({}));
    const publisher = createQueueMetricsPublisher({
      cloudwatch: { send } as never,
      namespace: 'Aira/Queues',
      now: () => now,
      queues: [
        fakeQueue(
          'chat',
          { waiting: 4, active: 16, prioritized: 2 },
          { timestamp: now - 7_000, delay: 2_000 },
        ),
        fakeQueue('idle', { waiting: 0, active: 0, prioritized: 0 }),
      ],
    });

    const snapshots = await publisher.publishOnce();

    expect(snapshots.map((s) => [s.queue, s.backlog, s.oldestAgeSeconds])).toEqual([
      ['chat', 22, 5],
      ['idle', 0, 0],
    ]);
    expect(send).toHaveBeenCalledOnce();
    const command = send.mock.calls[0]?.[0];
    expect(command).toBeInstanceOf(PutMetricDataCommand);
    expect(command?.input.Namespace).toBe('Aira/Queues');
    expect(command?.input.MetricData?.map((d) => [d.MetricName, d.Dimensions?.[0]?.Value, d.Value])).toEqual([
      ['Backlog', 'chat', 22],
      ['OldestAgeSeconds', 'chat', 5],
      ['Backlog', 'idle', 0],
      ['OldestAgeSeconds', 'idle', 0],
    ]);
  });

  it('lets a CloudWatch error reach the caller', async () => {
    const publisher = createQueueMetricsPublisher({
      cloudwatch: { send: async () => Promise.reject(new Error('throttled')) } as never,
      namespace: 'Aira/Queues',
      queues: [fakeQueue('chat', { waiting: 1 })],
    });
    await expect(publisher.publishOnce()).rejects.toThrow('throttled');
  });
});
