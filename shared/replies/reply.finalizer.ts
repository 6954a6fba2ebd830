import type { Redis } from 'ioredis';
import type { ChatJob } from '../jobs/chat.job';
import type { ReplyStatus, Usage, WriteOf } from '../jobs/writes.messages';
import type { RedisKeys } from '../redis/keys';
import type { WritesProducer } from '../sqs/writes.producer';
import type { ReplyEvent, ReplyTimings } from './reply.events';
import { type PendingTurn, pushTurnLua, type Turn, type TurnsPolicy } from './turns';

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
 * The end of a reply in one step: the pending turn, the reply's status, the assistant turn in the
 * recent turns (`pushTurnLua`) and the final stream event — unless the reply has already
 * ended (`endedAt` is set only here). That makes the end happen once when ioredis resends the
 * script after a dropped connection, and when a second attempt runs beside the first (its lock
 * lapsed while Redis was away) and finishes after it; with an owner token, only while the reply
 * hash still names that owner (see ReplyOwner).
 * KEYS: reply, pending turns, turns, turns-complete marker, events.
 * ARGV: reply id, pending turn, turns TTL, status, ended at, assistant turn ('' for none), max
 * turns, event type, event data, stream TTL, owner token ('' for none).
 */
const endOnceScript = `
if redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
if ARGV[11] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[11] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'endedAt', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[6] ~= '' then
  local turns, complete, turn, maxTurns, ttl = KEYS[3], KEYS[4], ARGV[6], ARGV[7], ARGV[3]
  ${pushTurnLua}
end
redis.call('XADD', KEYS[5], '*', 'e', ARGV[8], 'd', ARGV[9])
redis.call('EXPIRE', KEYS[5], ARGV[10])
return 1`;

/**
 * Ends a reply. Order matters for a worker that dies half-way: the pending turn (what the history
 * shows) and the final stream event go first, in one script; the SQS write last. A retry that
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
  const ended = await deps.redis.eval(
    endOnceScript,
    5,
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
