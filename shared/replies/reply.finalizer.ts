import type { Redis } from 'ioredis';
import type { ChatJob } from '../jobs/chat.job';
import type { ReplyStatus, Usage, WriteOf } from '../jobs/writes.messages';
import type { RedisKeys } from '../redis/keys';
import type { WritesProducer } from '../sqs/writes.producer';
import { appendOnceArgs, type ReplyEvent, type ReplyTimings } from './reply.events';
import { type PendingTurn, pushTurn, type TurnsPolicy } from './turns';

export interface ReplyEnd {
  status: ReplyStatus;
  content: string;
  finishReason: string | null;
  usage: Usage | null;
  error?: { code: string; message: string };
  timings?: ReplyTimings;
}

export interface FinalizerDeps {
  redis: Redis;
  keys: RedisKeys;
  writes: WritesProducer;
  streamTtlSeconds: number;
  turns: TurnsPolicy;
}

/** The durable write of a finished turn: the user message and the assistant reply. */
export function turnMessage(job: ChatJob, end: ReplyEnd, at: number): WriteOf<'chat.turn'> {
  return {
    v: 1,
    kind: 'chat.turn',
    userId: job.userId,
    conversationId: job.conversationId,
    replyId: job.replyId,
    user: { id: job.userMessageId, content: job.content, at: job.enqueuedAt },
    assistant: {
      content: end.content,
      status: end.status,
      finishReason: end.finishReason,
      usage: end.usage,
      at,
    },
  };
}

/**
 * Ends a reply. Order matters for a worker that dies half-way: the pending turn (what the history
 * shows) and the final stream event go first, in one transaction; the SQS write last. Every
 * command in the transaction may run twice (ioredis resends it when the connection drops before
 * Redis's answer arrives), so the turn and the final event are appended once by id. A retry that
 * finds the final event only re-sends the write, which FIFO deduplication and the writer's unique
 * keys make harmless.
 */
export async function finalizeReply(deps: FinalizerDeps, job: ChatJob, end: ReplyEnd): Promise<void> {
  const at = Date.now();
  const pending: PendingTurn = {
    replyId: job.replyId,
    user: { id: job.userMessageId, content: job.content, at: job.enqueuedAt },
    assistant: {
      status: end.status,
      content: end.content,
      finishReason: end.finishReason,
      usage: end.usage,
      at,
    },
  };
  const event: ReplyEvent =
    end.status === 'complete'
      ? { type: 'done', data: { finishReason: end.finishReason, usage: end.usage, timings: end.timings } }
      : end.status === 'cancelled'
        ? { type: 'cancelled', data: { content: end.content } }
        : {
            type: 'error',
            data: end.error ?? { code: 'llm_failed', message: 'The reply could not be generated.' },
          };
  const eventsKey = deps.keys.replyEvents(job.replyId);
  const tx = deps.redis
    .multi()
    .hset(deps.keys.pendingTurns(job.conversationId), job.replyId, JSON.stringify(pending))
    .expire(deps.keys.pendingTurns(job.conversationId), deps.turns.ttlSeconds)
    .hset(deps.keys.reply(job.replyId), 'status', end.status, 'endedAt', at)
    .expire(deps.keys.reply(job.replyId), deps.turns.ttlSeconds);
  if (end.status === 'complete' && end.content) {
    pushTurn(
      tx,
      deps.keys,
      job.conversationId,
      { id: job.replyId, role: 'assistant', content: end.content, at },
      deps.turns,
    );
  }
  tx.eval(...appendOnceArgs(eventsKey, event)).expire(eventsKey, deps.streamTtlSeconds);
  await tx.exec();
  await deps.writes.send(turnMessage(job, end, at));
}

/** Re-sends the write of a reply whose stream already ended (an earlier attempt died after its final event). */
export async function resendFinishedTurn(
  deps: FinalizerDeps,
  job: ChatJob,
): Promise<ReplyStatus | undefined> {
  const raw = await deps.redis.hget(deps.keys.pendingTurns(job.conversationId), job.replyId);
  if (!raw) return undefined;
  const pending = JSON.parse(raw) as PendingTurn;
  if (pending.assistant.status === 'streaming') return undefined;
  const { status, content, finishReason, usage, at } = pending.assistant;
  await deps.writes.send(turnMessage(job, { status, content, finishReason, usage }, at));
  return status;
}
