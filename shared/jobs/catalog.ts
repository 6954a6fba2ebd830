import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { DefaultJobOptions, JobsOptions } from 'bullmq';
import { ChatJob } from './chat.job';
import { WriteMessage } from './writes.messages';
import './formats';

interface BullQueueSpec<P extends TSchema> {
  transport: 'bullmq';
  name: string;
  payload: P;
  /** BullMQ's job name, the same for every job of the queue. */
  jobName: string;
  options: DefaultJobOptions;
  /** The job id: a job added twice with one id is one job. */
  dedupeKey: (payload: Static<P>) => string;
}

interface SqsQueueSpec<P extends TSchema> {
  transport: 'sqs';
  name: string;
  payload: P;
  fifo: boolean;
  /** FIFO message group: messages of one group are delivered in order. */
  groupKey: (payload: Static<P>) => string;
  /** FIFO deduplication id: a message sent twice within SQS's 5-minute window is delivered once. */
  dedupeKey: (payload: Static<P>) => string;
  /** Seconds a received message stays hidden from other receivers (receivers may ask for less). */
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** Receives before a message is parked in the dead-letter queue. */
  maxReceiveCount: number;
  deadLetter: { name: string; retentionSeconds: number };
}

/** The dead-letter queue's name for a FIFO queue: `x.fifo` → `x-dlq.fifo`. */
export const dlqNameFor = (name: string) => name.replace(/\.fifo$/, '-dlq.fifo');

const day = 86_400;
const writesName = 'aira-writes.fifo';

/**
 * The FIFO deduplication id of a write: the same logical write always gets the same id, so a
 * producer that retries a send inside SQS's 5-minute window sends it once.
 */
function writeDedupeKey(message: WriteMessage): string {
  switch (message.kind) {
    case 'user.created':
      return `user:${message.userId}`;
    case 'conversation.created':
      return `conversation:${message.conversationId}`;
    case 'chat.turn':
      return `turn:${message.replyId}`;
    case 'survey.answers':
      return `answers:${message.userId}:${message.surveyVersion}:${message.revision}`;
  }
}

/**
 * Every queue Aira uses, its transport, payload schema, keys and settings, in one place: producers,
 * consumers and the CDK app (infra/lib/queues.ts) all read them from here. Queue names are stored
 * contracts (Redis keys and SQS queue names that outlive a deploy): do not change them.
 */
export const catalog = {
  chat: {
    transport: 'bullmq',
    /** Do not change: BullMQ keys `<prefix>:chat:*` hold jobs across deploys. */
    name: 'chat',
    payload: ChatJob,
    jobName: 'reply',
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      // A finished job is kept a minute (the autoscaler counts completions over the last ten
      // seconds); its reply lives on in the reply stream and the database.
      removeOnComplete: { age: 60, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    } satisfies DefaultJobOptions,
    /** The job id is the reply id, so a retried request never makes two replies. */
    dedupeKey: (job) => job.replyId,
  } satisfies BullQueueSpec<typeof ChatJob>,
  writes: {
    transport: 'sqs',
    /** Do not change: the FIFO queue (and its dead-letter queue) operators, alarms and dashboards name. */
    name: writesName,
    payload: WriteMessage,
    fifo: true,
    /** One user's writes stay in order. */
    groupKey: (message) => message.userId,
    dedupeKey: writeDedupeKey,
    // Longer than a writer batch takes, so a slow batch is not redelivered while it is written.
    visibilityTimeoutSeconds: 60,
    retentionSeconds: 4 * day,
    maxReceiveCount: 5,
    deadLetter: { name: dlqNameFor(writesName), retentionSeconds: 14 * day },
  } satisfies SqsQueueSpec<typeof WriteMessage>,
} as const;

export type QueueName = keyof typeof catalog;
export type PayloadOf<Q extends QueueName> = Static<(typeof catalog)[Q]['payload']>;

const checks = {
  chat: TypeCompiler.Compile(catalog.chat.payload),
  writes: TypeCompiler.Compile(catalog.writes.payload),
} satisfies { [Q in QueueName]: unknown };

/**
 * Validates a payload against its queue's schema: the producer before it sends, the consumer on
 * what it receives. Throws a PayloadError naming the first thing wrong.
 */
export function assertPayload<Q extends QueueName>(queue: Q, value: unknown): asserts value is PayloadOf<Q> {
  const check = checks[queue];
  if (!check.Check(value)) throw new PayloadError(queue, firstError(check.Errors(value)));
}

/** A chat job as BullMQ adds it (`queue.add(name, data, opts)` or one entry of `addBulk`), checked. */
export function chatJobOf(job: ChatJob): { name: string; data: ChatJob; opts: JobsOptions } {
  assertPayload('chat', job);
  const { chat } = catalog;
  return { name: chat.jobName, data: job, opts: { ...chat.options, jobId: chat.dedupeKey(job) } };
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
