import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from 'ioredis';
import { catalog } from '../../../shared/jobs/catalog';
import { createBullmqBacklogReader } from '../../../shared/scaling/backlog.bullmq';
import { createSqsBacklogReader } from '../../../shared/scaling/backlog.sqs';
import type { WritesQueues } from '../../../shared/sqs/sqs.client';

/** One queue as operators see it: jobs per state, the backlog the scaling policy sizes for, and age. */
export interface QueueReading {
  name: string;
  transport: 'bullmq' | 'sqs';
  /** BullMQ: waiting, active, delayed, prioritized, failed. SQS: visible, inflight, delayed. */
  states: Record<string, number>;
  backlog: number;
  /** Null when unknown: SQS has no attribute for it (in AWS it is CloudWatch's ApproximateAgeOfOldestMessage). */
  oldestAgeSeconds: number | null;
}

export interface QueuesReaderDeps {
  redis: Redis;
  prefix: string;
  sqs: SQSClient;
  writes: WritesQueues;
  /** The local SQS emulator counts in-flight messages as visible; AWS does not. */
  sqsEmulator: boolean;
}

export interface QueuesReader {
  /** The chat queue, the writes queue and its dead-letter queue, in that order. */
  read(): Promise<QueueReading[]>;
}

/** Reads every queue Aira runs, with the same readers the autoscaler uses. */
export function createQueuesReader(deps: QueuesReaderDeps): QueuesReader {
  const bull = createBullmqBacklogReader({ redis: deps.redis, prefix: deps.prefix });
  const sqsReader = (queueUrl: string) =>
    createSqsBacklogReader({ sqs: deps.sqs, queueUrl, visibleIncludesInflight: deps.sqsEmulator });
  const writes = sqsReader(deps.writes.url);
  const dlq = sqsReader(deps.writes.dlqUrl);
  const chatName = catalog.chat.name;

  const readSqs = async (name: string, reader: ReturnType<typeof sqsReader>): Promise<QueueReading> => {
    const b = await reader.read();
    return {
      name,
      transport: 'sqs',
      states: { visible: b.visible, inflight: b.inflight, delayed: b.delayed },
      backlog: b.backlog,
      oldestAgeSeconds: b.oldestAgeSeconds,
    };
  };

  return {
    async read() {
      const [chat, failed, writesReading, dlqReading] = await Promise.all([
        bull.read(chatName),
        deps.redis.zcard(`${deps.prefix}:${chatName}:failed`),
        readSqs(deps.writes.name, writes),
        readSqs(deps.writes.dlqName, dlq),
      ]);
      const chatReading: QueueReading = {
        name: chatName,
        transport: 'bullmq',
        states: {
          waiting: chat.waiting,
          active: chat.active,
          delayed: chat.delayed,
          prioritized: chat.prioritized,
          failed,
        },
        backlog: chat.backlog,
        oldestAgeSeconds: chat.oldestAgeSeconds,
      };
      return [chatReading, writesReading, dlqReading];
    },
  };
}

/**
 * Shares one reading between callers for `ttlMs`: a scrape collects two gauges, and several
 * Prometheus servers or operators may ask at once; the queues are read once for all of them.
 */
export function sharedReadings(reader: QueuesReader, ttlMs = 1000): QueuesReader {
  let last: { at: number; reading: Promise<QueueReading[]> } | undefined;
  return {
    read() {
      const now = Date.now();
      if (!last || now - last.at > ttlMs) {
        const reading = reader.read();
        last = { at: now, reading };
        // A failed read is not shared: the next caller tries again.
        reading.catch(() => {
          if (last?.reading === reading) last = undefined;
        });
      }
      return last.reading;
    },
  };
}
