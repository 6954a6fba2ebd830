import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../../../shared/db/database';
import { findReplyMessage } from '../../../shared/db/messages.repository';
import { chatJobOf } from '../../../shared/jobs/catalog';
import type { ChatJob, Lang } from '../../../shared/jobs/chat.job';
import type { RedisKeys } from '../../../shared/redis/keys';
import { retryWhileFull } from '../../../shared/redis/redis.full';
import { registerScripts } from '../../../shared/redis/scripts';
import { finalizeReply } from '../../../shared/replies/reply.finalizer';
import {
  acceptedTurn,
  endOfRow,
  endOfTurn,
  type RecentMessage,
  type ReplyEnd,
  type ReplyStatus,
  type Turn,
  type TurnsPolicy,
} from '../../../shared/replies/turn';
import type { WritesProducer } from '../../../shared/sqs/writes.producer';

/** The conversation a message is sent to: the owner checked, its persona to speak in. */
export interface ConversationRef {
  id: string;
  personaId: string;
}

export interface ReplyMeta {
  replyId: string;
  userId: string;
  conversationId: string;
  /** `queued` until a worker takes the job up. */
  status: ReplyStatus | 'queued';
  /** The id of the final event in the reply's stream, once it has ended. */
  finalId?: string;
}

/**
 * Starting, finding and cancelling replies on the request path. The gateway only enqueues: the
 * chat worker that takes the job calls the LLM.
 */
export function createReplyService(deps: {
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  queue: Queue<ChatJob>;
  writes: WritesProducer;
  turns: TurnsPolicy;
  streamTtlSeconds: number;
}) {
  const { keys } = deps;
  const redis = registerScripts(deps.redis);
  const finalizerDeps = {
    redis,
    keys,
    writes: deps.writes,
    streamTtlSeconds: deps.streamTtlSeconds,
    turns: deps.turns,
  };

  return {
    async start(input: { userId: string; conversation: ConversationRef; content: string; lang: Lang }) {
      const replyId = randomUUID();
      const userMessageId = randomUUID();
      const enqueuedAt = Date.now();
      const job: ChatJob = {
        v: 1,
        replyId,
        userMessageId,
        conversationId: input.conversation.id,
        userId: input.userId,
        personaId: input.conversation.personaId,
        lang: input.lang,
        content: input.content,
        enqueuedAt,
      };
      const queued = chatJobOf(job);
      const recent: RecentMessage = {
        id: userMessageId,
        role: 'user',
        content: input.content,
        at: enqueuedAt,
      };
      // The message's records first (lua/acceptMessage-4.lua), then its job: a worker never finds
      // the job before the reply.
      await redis.acceptMessage(
        keys.reply(replyId),
        keys.pendingTurns(input.conversation.id),
        keys.turns(input.conversation.id),
        keys.turnsComplete(input.conversation.id),
        input.userId,
        input.conversation.id,
        userMessageId,
        enqueuedAt,
        deps.turns.ttlSeconds,
        replyId,
        JSON.stringify(acceptedTurn(job)),
        JSON.stringify(recent),
        deps.turns.max,
      );
      const [added] = await Promise.allSettled([deps.queue.add(queued.name, queued.data, queued.opts)]);
      if (added.status === 'rejected') {
        // No job will end this reply: end it here, so the history does not wait on it forever
        // (a Redis that filled up between the records and the job gets a moment to take the end).
        const end = () =>
          finalizeReply(finalizerDeps, job, {
            status: 'failed',
            content: '',
            finishReason: null,
            usage: null,
            error: { code: 'unavailable', message: 'The message could not be queued. Please try again.' },
          });
        await retryWhileFull(end, 3000).catch(() => undefined);
        throw added.reason;
      }
      return { replyId, userMessageId };
    },

    /** The reply if this user owns it; someone else's reply is as absent as a missing one. */
    async find(userId: string, replyId: string): Promise<ReplyMeta | null> {
      const meta = await redis.hgetall(keys.reply(replyId));
      if (meta.userId) {
        return meta.userId === userId
          ? {
              replyId,
              userId,
              conversationId: meta.conversationId ?? '',
              status: (meta.status ?? 'queued') as ReplyMeta['status'],
              ...(meta.finalId && { finalId: meta.finalId }),
            }
          : null;
      }
      const row = await findReplyMessage(deps.db, userId, replyId);
      return row ? { replyId, userId, conversationId: row.conversation_id, status: row.status } : null;
    },

    /**
     * How an ended reply ended and when, from its turn while that is still on its way to the
     * database, else from the database; undefined while it streams or when neither has it.
     */
    async endOf(meta: ReplyMeta): Promise<(ReplyEnd & { at: number }) | undefined> {
      const raw = await redis.hget(keys.pendingTurns(meta.conversationId), meta.replyId);
      if (raw) {
        const turn = JSON.parse(raw) as Turn;
        const end = endOfTurn(turn);
        return end && { ...end, at: turn.assistant.at };
      }
      const row = await findReplyMessage(deps.db, meta.userId, meta.replyId);
      return row && { ...endOfRow(row), at: row.created_at };
    },

    /**
     * Cancels a reply. A job still waiting is removed and ended here; a running one is told over
     * pub/sub, and the worker that owns it aborts the LLM call and saves the partial reply.
     */
    async cancel(meta: ReplyMeta): Promise<'cancelled' | 'cancelling' | 'already_ended'> {
      if (['complete', 'cancelled', 'failed'].includes(meta.status)) return 'already_ended';
      await redis.set(keys.replyCancel(meta.replyId), '1', 'EX', deps.streamTtlSeconds);
      const job = await deps.queue.getJob(meta.replyId);
      if (job && ['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(await job.getState())) {
        const removed = await job
          .remove()
          .then(() => true)
          .catch(() => false);
        if (removed) {
          await finalizeReply(finalizerDeps, job.data, {
            status: 'cancelled',
            content: '',
            finishReason: 'cancelled',
            usage: null,
          });
          return 'cancelled';
        }
      }
      await redis.publish(keys.cancelChannel, meta.replyId);
      return 'cancelling';
    },
  };
}

export type ReplyService = ReturnType<typeof createReplyService>;
