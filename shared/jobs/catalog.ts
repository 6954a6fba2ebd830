import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { DefaultJobOptions } from 'bullmq';
import { ChatJob } from './chat.job';
import { WriteMessage } from './writes.messages';
import './formats';

interface BullQueueSpec {
  transport: 'bullmq';
  name: string;
  payload: TSchema;
  options: DefaultJobOptions;
  dedupeKey: string;
}

interface SqsQueueSpec {
  transport: 'sqs';
  name: string;
  payload: TSchema;
  groupKey: string;
  maxReceiveCount: number;
}

/**
 * Every queue Aira uses, its transport, payload schema and options, in one place. Queue names are
 * stored contracts (Redis keys and SQS queue names that outlive a deploy): do not change them.
 */
export const catalog = {
  chat: {
    transport: 'bullmq',
    /** Do not change: BullMQ keys `<prefix>:chat:*` hold jobs across deploys. */
    name: 'chat',
    payload: ChatJob,
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      // A finished job is kept a minute (the autoscaler counts completions over the last ten
      // seconds); its reply lives on in the reply stream and the database.
      removeOnComplete: { age: 60, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    } satisfies DefaultJobOptions,
    /** The job id is the reply id, so a retried request never makes two replies. */
    dedupeKey: 'replyId',
  },
  writes: {
    transport: 'sqs',
    /** Do not change: the FIFO queue (and `-dlq.fifo`) named by SQS_WRITES_QUEUE_NAME's default. */
    name: 'aira-writes.fifo',
    payload: WriteMessage,
    /** FIFO group: one user's writes stay in order. */
    groupKey: 'userId',
    maxReceiveCount: 5,
  },
} as const satisfies Record<string, BullQueueSpec | SqsQueueSpec>;

export type QueueName = keyof typeof catalog;

const chatCheck = TypeCompiler.Compile(ChatJob);
const writeCheck = TypeCompiler.Compile(WriteMessage);

/** Validates a payload against its schema at either end of a queue; throws with the first error. */
export function assertChatJob(value: unknown): asserts value is ChatJob {
  if (!chatCheck.Check(value)) throw new PayloadError('chat', firstError(chatCheck.Errors(value)));
}

export function assertWriteMessage(value: unknown): asserts value is WriteMessage {
  if (!writeCheck.Check(value)) throw new PayloadError('writes', firstError(writeCheck.Errors(value)));
}

export class PayloadError extends Error {
  override name = 'PayloadError';
  constructor(
    readonly queue: QueueName,
    detail: string,
  ) {
    super(`invalid ${queue} payload: ${detail}`);
  }
}

function firstError(errors: Iterable<{ path: string; message: string }>): string {
  for (const e of errors) return `${e.path || '/'} ${e.message}`;
  return 'unknown error';
}
