import type { Redis } from 'ioredis';
import type { ChatJob } from '../jobs/chat.job';
import type { RedisKeys } from '../redis/keys';
import { registerScripts } from '../redis/scripts';
import type { WritesProducer } from '../sqs/writes.producer';
import { finalEventOf } from './reply.events';
import {
  type EndedStatus,
  endedTurn,
  endOfTurn,
  type RecentMessage,
  type ReplyEnd,
  type Turn,
  type TurnsPolicy,
  turnWrite,
} from './turn';

export interface FinalizerDeps {
  redis: Redis;
  keys: RedisKeys;
  writes: WritesProducer;
  streamTtlSeconds: number;
  turns: TurnsPolicy;
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
  const pending = endedTurn(job, end, at);
  const event = finalEventOf(end);
  const recent: RecentMessage | undefined =
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
    recent ? JSON.stringify(recent) : '',
    deps.turns.max,
    event.type,
    JSON.stringify(event.data),
    deps.streamTtlSeconds,
    owner ?? '',
    deps.keys.replyLive(job.replyId),
  );
  if (ended !== 1) return false;
  await deps.writes.send(turnWrite(job, end, at));
  return true;
}

/** Re-sends the write of a reply whose stream already ended (an earlier attempt died after its final event). */
export async function resendFinishedTurn(
  deps: FinalizerDeps,
  job: ChatJob,
): Promise<EndedStatus | undefined> {
  const raw = await deps.redis.hget(deps.keys.pendingTurns(job.conversationId), job.replyId);
  if (!raw) return undefined;
  const pending = JSON.parse(raw) as Turn;
  const end = endOfTurn(pending);
  if (!end) return undefined;
  await deps.writes.send(turnWrite(job, end, pending.assistant.at));
  return end.status;
}
