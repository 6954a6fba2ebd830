import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { chatJobOf } from '../../shared/jobs/catalog';
import type { FloodTarget } from './flood.target';
import { buildChatJob } from './payloads';

export interface BullmqTargetOptions {
  readonly redisUrl: string;
  /** BullMQ queue name; `chat` is the one the chat workers consume. */
  readonly queueName: string;
  /** BullMQ key prefix: the stack's `AIRA_PREFIX` (BullMQ's own default, `bull`, is read by no Aira worker). */
  readonly prefix: string;
}

/** Adds chat jobs straight to the BullMQ queue, each with a fresh uuid as job id. */
export function createBullmqTarget(options: BullmqTargetOptions): FloodTarget {
  // A producer should fail a send rather than wait forever for a Redis that is gone.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new Queue(options.queueName, { connection, prefix: options.prefix });
  const ready = queue.waitUntilReady();
  ready.catch(() => undefined);
  let closed = false;
  return {
    label: `${options.prefix}:${options.queueName}`,
    async consumers() {
      try {
        await ready;
        // Workers name their connections after the queue; a Redis that refuses CLIENT LIST cannot tell.
        return await queue.getWorkersCount();
      } catch {
        return null;
      }
    },
    async send(n) {
      await ready;
      const jobs = Array.from({ length: n }, () => chatJobOf(buildChatJob(randomUUID())));
      await queue.addBulk(jobs);
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue.close();
      connection.disconnect();
    },
  };
}
