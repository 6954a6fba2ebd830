import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from 'ioredis';
import { catalog } from '../../shared/jobs/catalog';
import { createBullmqBacklogReader } from '../../shared/scaling/backlog.bullmq';
import { createSqsBacklogReader, type SqsBacklogReader } from '../../shared/scaling/backlog.sqs';
import { resolveWritesQueues, type SqsConfig } from '../../shared/sqs/sqs.client';

/** One number for `aira_queue_depth` / `aira_queue_oldest_age_seconds`. */
export interface QueueSeries {
  readonly queue: string;
  readonly transport: 'bullmq' | 'sqs';
  readonly state?: string;
  readonly value: number;
}

/** What the policy needs from a fleet's queue, plus what the queue metrics show. */
export interface QueueReading {
  readonly backlog: number;
  /** Null when nothing waits or the age is unknown. */
  readonly oldestAgeSeconds: number | null;
  readonly depth: readonly QueueSeries[];
  readonly age: readonly QueueSeries[];
}

export type ReadQueue = () => Promise<QueueReading>;

/** The chat fleet's BullMQ queue: waiting + prioritized + active, oldest waiting job by Redis time. */
export function createChatQueueReader(deps: { redis: Redis; prefix: string }): ReadQueue {
  const reader = createBullmqBacklogReader(deps);
  const queue = catalog.chat.name;
  return async () => {
    const b = await reader.read(queue);
    const oldest = b.oldestWaitingTimestampMs === null ? null : b.oldestAgeSeconds;
    const states = { waiting: b.waiting, active: b.active, prioritized: b.prioritized, delayed: b.delayed };
    return {
      backlog: b.backlog,
      oldestAgeSeconds: oldest,
      depth: Object.entries(states).map(([state, value]) => ({ queue, transport: 'bullmq', state, value })),
      age: [{ queue, transport: 'bullmq', value: oldest ?? 0 }],
    };
  };
}

/**
 * The writer fleet's SQS queue: visible + in flight, with its dead-letter queue's depth for the
 * metrics. The queue URLs are looked up on the first read (and again after a failed lookup).
 */
export function createWritesQueueReader(deps: { sqs: SQSClient; config: SqsConfig }): ReadQueue {
  // local-aws-sqs counts in-flight messages among the visible ones; AWS does not.
  const visibleIncludesInflight = Boolean(deps.config.SQS_ENDPOINT);
  let readers:
    | Promise<{ name: string; dlqName: string; main: SqsBacklogReader; dlq: SqsBacklogReader }>
    | undefined;

  const resolveReaders = () => {
    readers ??= resolveWritesQueues(deps.sqs, deps.config).then(
      (q) => ({
        name: q.name,
        dlqName: q.dlqName,
        main: createSqsBacklogReader({ sqs: deps.sqs, queueUrl: q.url, visibleIncludesInflight }),
        dlq: createSqsBacklogReader({ sqs: deps.sqs, queueUrl: q.dlqUrl, visibleIncludesInflight }),
      }),
      (error: unknown) => {
        readers = undefined;
        throw new Error(`Finding the writes queue failed: ${(error as Error).message}`, { cause: error });
      },
    );
    return readers;
  };

  return async () => {
    const r = await resolveReaders();
    const [main, dlq] = await Promise.all([r.main.read(), r.dlq.read().catch(() => undefined)]);
    const depth: QueueSeries[] = [
      { queue: r.name, transport: 'sqs', state: 'visible', value: main.visible },
      { queue: r.name, transport: 'sqs', state: 'inflight', value: main.inflight },
    ];
    if (dlq) depth.push({ queue: r.dlqName, transport: 'sqs', state: 'visible', value: dlq.visible });
    return {
      backlog: main.backlog,
      oldestAgeSeconds: main.oldestAgeSeconds,
      depth,
      age:
        main.oldestAgeSeconds === null
          ? []
          : [{ queue: r.name, transport: 'sqs', value: main.oldestAgeSeconds }],
    };
  };
}
