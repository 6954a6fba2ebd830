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
  /** Jobs being worked on. */
  readonly active?: number;
  /** Jobs added, and jobs finished, per second over the last few seconds; absent until known. */
  readonly arrivalsPerSecond?: number;
  readonly completionsPerSecond?: number;
  readonly depth: readonly QueueSeries[];
  readonly age: readonly QueueSeries[];
}

export type ReadQueue = () => Promise<QueueReading>;

/** Arrival and completion rates are counted over about this long: a few polls, one noisy second less. */
export const RATE_WINDOW_MS = 10_000;

/**
 * The chat fleet's BullMQ queue: waiting + prioritized + active, oldest waiting job by Redis time,
 * and the flow: jobs finished since a reading about RATE_WINDOW_MS ago (from BullMQ's completed and
 * failed sets), and jobs added in that time, which is those finished plus how much the queue
 * (waiting, prioritized, active and delayed) grew. A retried job stays in the queue, so it is not
 * added twice.
 */
export function createChatQueueReader(deps: { redis: Redis; prefix: string }): ReadQueue {
  const reader = createBullmqBacklogReader(deps);
  const queue = catalog.chat.name;
  const past: Array<{ at: number; inQueue: number }> = [];
  return async () => {
    const since = past[0];
    const b = await reader.read(queue, since && { finishedSinceMs: since.at });
    const oldest = b.oldestWaitingTimestampMs === null ? null : b.oldestAgeSeconds;
    const states = { waiting: b.waiting, active: b.active, prioritized: b.prioritized, delayed: b.delayed };
    const inQueue = b.backlog + b.delayed;
    const seconds = since ? (b.serverTimeMs - since.at) / 1000 : 0;
    past.push({ at: b.serverTimeMs, inQueue });
    // Count from the newest reading about a window old (or the oldest there is), by the Redis clock.
    while (past.length > 1 && past[1]!.at <= b.serverTimeMs - RATE_WINDOW_MS) past.shift();
    return {
      backlog: b.backlog,
      oldestAgeSeconds: oldest,
      active: b.active,
      ...(since &&
        seconds > 0 && {
          arrivalsPerSecond: Math.max(0, b.finishedSince + inQueue - since.inQueue) / seconds,
          completionsPerSecond: b.finishedSince / seconds,
        }),
      depth: Object.entries(states).map(([state, value]) => ({ queue, transport: 'bullmq', state, value })),
      age: [{ queue, transport: 'bullmq', value: oldest ?? 0 }],
    };
  };
}

/**
 * The writer fleet's SQS queue: visible + in flight, with its dead-letter queue's depth for the
 * metrics. The queue URLs are looked up on the first read (and again after a failed lookup).
 * SQS keeps no counters a reader could difference (CloudWatch's NumberOfMessagesSent and
 * NumberOfMessagesDeleted are per minute and AWS only), and the visible count's change alone
 * cannot tell arrivals from receipts, so this reading gives no rates and the policy sizes the
 * writer fleet on backlog (and age, where known) alone.
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
      active: main.inflight,
      depth,
      age:
        main.oldestAgeSeconds === null
          ? []
          : [{ queue: r.name, transport: 'sqs', value: main.oldestAgeSeconds }],
    };
  };
}
