import type { Redis } from 'ioredis';
import type { ChatJob } from '../jobs/chat.job';
import type { ReplyStatus, Usage, WriteOf } from '../jobs/writes.messages';
import type { RedisKeys } from '../redis/keys';
import { registerScripts } from '../redis/scripts';
import type { WritesProducer } from '../sqs/writes.producer';
import type { ReplyEvent, ReplyTimings } from './reply.events';
import type { PendingTurn, Turn, TurnsPolicy } from './turns';

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
 * shows) and the final stream event go first, in one script that runs once per reply
 * (lua/endReply-5.lua); the SQS write last. A retry that
 * finds the final event only re-sends the write, which FIFO deduplication and the writer's unique
 * keys make harmless. Resolves false, sending nothing, when the reply had already ended or another
 * attempt owns it.
 */
export async function finalizeReply(
  deps: FinalizerDeps,
  job: ChatJob,
  end: ReplyEnd,
  owner?: string,
): Promise<boolean> {
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
  const turn: Turn | undefined =
    end.status === 'complete' && end.content
      ? { id: job.replyId, role: 'assistant', content: end.content, at }
      : undefined;
  const ended = await registerScripts(deps.redis).endReply(
    deps.keys.reply(job.replyId),
    deps.keys.pendingTurns(job.conversationId),
    deps.keys.turns(job.conversationId),
    deps.keys.turnsComplete(job.conversationId),
    deps.keys.replyEvents(job.replyId),
    job.replyId,
    JSON.stringify(pending),
    deps.turns.ttlSeconds,
    end.status,
    at,
    turn ? JSON.stringify(turn) : '',
    deps.turns.max,
    event.type,
    JSON.stringify(event.data),
    deps.streamTtlSeconds,
    owner ?? '',
    deps.keys.replyLive(job.replyId),
  );
  if (ended !== 1) return false;
  await deps.writes.send(turnMessage(job, end, at));
  return true;
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
