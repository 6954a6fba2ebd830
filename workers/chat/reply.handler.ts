import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import OpenAI from 'openai';
import type { Db } from '../../shared/db/database';
import { assertPayload } from '../../shared/jobs/catalog';
import type { ChatJob } from '../../shared/jobs/chat.job';
import type { ProviderBudget } from '../../shared/provider/provider.budget';
import type { RedisKeys } from '../../shared/redis/keys';
import { isRedisFull, retryWhileFull } from '../../shared/redis/redis.full';
import {
  appendEvent,
  decodeEntry,
  finalEvents,
  newOwnerToken,
  type ReplyEvent,
  type ReplyOwner,
  type StoredEvent,
  SupersededError,
} from '../../shared/replies/reply.events';
import { finalizeReply, resendFinishedTurn } from '../../shared/replies/reply.finalizer';
import type { RecentMessage, ReplyEnd, TurnsPolicy, Usage } from '../../shared/replies/turn';
import type { WritesProducer } from '../../shared/sqs/writes.producer';
import type { Logger } from '../../shared/telemetry/logger';
import { observeTraced } from '../../shared/telemetry/trace.context';
import { CancelledError, type CancelRegistry } from './cancel.registry';
import type { ChatMetrics } from './chat.metrics';
import { readCompletion } from './completion.reader';
import { type LlmSpan, startLlmSpan } from './llm.span';
import { buildPrompt } from './prompt.builder';
import { callWithinBudget } from './provider.call';
import { createContinuation } from './stream.continuation';
import { createTokenBatcher } from './token.batcher';

export interface ReplyHandlerDeps {
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  openai: OpenAI;
  model: string;
  maxTokens: number;
  llmTimeoutMs: number;
  batchMs: number;
  streamTtlSeconds: number;
  turns: TurnsPolicy;
  writes: WritesProducer;
  cancels: CancelRegistry;
  /** The provider's rate-limit budget the whole fleet shares. */
  budget: ProviderBudget;
  /** 429s one attempt waits out (each pausing the fleet) before its job's own retry takes over. */
  maxRefusals: number;
  metrics: ChatMetrics;
  log: Logger;
}

/**
 * How long a step that must reach Redis (taking a reply over, ending it) is tried again while
 * Redis is at maxmemory. BullMQ cannot record a retry while Redis is full either, so waiting for
 * memory is the one way a reply still ends.
 */
const REDIS_FULL_RETRY_MS = 60_000;

/** Raised into a job when its worker is retiring past its deadline: the job goes back to the queue. */
export class HandBackError extends Error {
  override name = 'HandBackError';
}

/** What an earlier attempt left in the reply stream: the text a client holds, and the final event if any. */
function earlierAttempt(entries: [string, string[]][]): { text: string; final?: StoredEvent } {
  let text = '';
  for (const entry of entries) {
    const event = decodeEntry(entry);
    if (event.type === 'token') text += (JSON.parse(event.data) as { text: string }).text;
    else if (event.type === 'reset') text = '';
    else if (finalEvents.has(event.type)) return { text, final: event };
  }
  return { text };
}

/**
 * Generates one reply: prompt from the persona and recent turns, a streamed chat completion, tokens
 * appended to the reply's Redis stream, and the finished turn sent to SQS. Cancels, retries,
 * hand-backs and a worker that died mid-reply all end with exactly one reply in the stream.
 */
export function createReplyHandler(deps: ReplyHandlerDeps) {
  const { redis, keys, metrics, log } = deps;
  const finalizer = {
    redis,
    keys,
    writes: deps.writes,
    streamTtlSeconds: deps.streamTtlSeconds,
    turns: deps.turns,
  };

  return async function handleReply(
    job: Job<ChatJob>,
    token?: string,
  ): Promise<ReplyEnd['status'] | 'superseded'> {
    try {
      assertPayload('chat', job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    const data = job.data;
    const startedAt = Date.now();
    const eventsKey = keys.replyEvents(data.replyId);
    // Registered before the cancel flag is read, so a cancel published in between is not missed.
    const controller = deps.cancels.register(data.replyId);
    // Everything the reply needs from Redis before the LLM call, in one round trip; in the same
    // step this attempt takes the reply over, so an older attempt still running stops writing
    // exactly where this one reads the stream.
    const owner: ReplyOwner = { replyKey: keys.reply(data.replyId), token: newOwnerToken() };
    const [[, endedAt], [, entries], [, cancelled], [, turnList], [, complete]] = (await retryWhileFull(
      () =>
        redis
          .multi()
          .hget(owner.replyKey, 'endedAt')
          .xrange(eventsKey, '-', '+')
          .exists(keys.replyCancel(data.replyId))
          .lrange(keys.turns(data.conversationId), 0, -1)
          .exists(keys.turnsComplete(data.conversationId))
          .hset(owner.replyKey, 'owner', owner.token)
          .exec(),
      REDIS_FULL_RETRY_MS,
    )) as [
      [null, string | null],
      [null, [string, string[]][]],
      [null, number],
      [null, string[]],
      [null, number],
    ];
    const earlier = earlierAttempt(entries);
    // Every write of this attempt goes through its ownership of the reply.
    const stream = { key: eventsKey, channel: keys.replyLive(data.replyId) };
    const append = (event: ReplyEvent) => appendEvent(redis, stream, event, owner);
    const endReply = (end: ReplyEnd) =>
      retryWhileFull(() => finalizeReply(finalizer, data, end, owner.token), REDIS_FULL_RETRY_MS);
    // Ended by an earlier attempt that died before its job was marked done (its stream may already
    // be gone, once the turn was stored): only the write is sent again.
    if (earlier.final || endedAt) {
      deps.cancels.release(data.replyId);
      const status = (await resendFinishedTurn(finalizer, data)) ?? 'complete';
      log.info({ replyId: data.replyId, status }, 'reply already ended; write re-sent');
      return status;
    }
    if (cancelled) {
      deps.cancels.release(data.replyId);
      await endReply({
        status: 'cancelled',
        content: earlier.text,
        finishReason: null,
        usage: null,
      });
      metrics.jobs.inc({ queue: 'chat', outcome: 'cancelled' });
      return 'cancelled';
    }

    const attempt = job.attemptsStarted || job.attemptsMade + 1;
    // Not awaited: commands on one connection run in order, so it lands before the first token.
    redis.hset(keys.reply(data.replyId), 'status', 'streaming', 'attempt', attempt).catch((error) => {
      log.warn({ err: error, replyId: data.replyId }, 'could not mark the reply as streaming');
    });
    const continuation = createContinuation(earlier.text);
    const batcher = createTokenBatcher({
      intervalMs: deps.batchMs,
      flush: (text) => append({ type: 'token', data: { text } }).then(() => undefined),
    });
    let finishReason = null as string | null;
    let usage = null as Usage | null;
    let firstTokenAt = 0;
    let lastTokenAt = 0;
    let llmStartedAt = 0;
    let budgetAskedAt = 0;
    let providerWaitMs = 0;
    let llm: LlmSpan | undefined;
    try {
      const prompt = await buildPrompt({ db: deps.db, maxTurns: deps.turns.max }, data, {
        turns: turnList.map((t) => JSON.parse(t) as RecentMessage),
        complete: complete === 1,
      });
      budgetAskedAt = Date.now();
      llm = startLlmSpan(deps.model);
      const span = llm;
      const called = await callWithinBudget(
        { budget: deps.budget, log, maxRefusals: deps.maxRefusals },
        data.replyId,
        promptTokens(prompt.messages) + deps.maxTokens,
        controller.signal,
        () => {
          llmStartedAt = Date.now();
          return span.run(() =>
            deps.openai.chat.completions
              .create(
                {
                  model: deps.model,
                  messages: prompt.messages,
                  stream: true,
                  stream_options: { include_usage: true },
                  max_tokens: deps.maxTokens,
                },
                // No retries of the client's own: a 429 is the fleet's to wait out (callWithinBudget),
                // anything else the job's.
                { signal: controller.signal, timeout: deps.llmTimeoutMs, maxRetries: 0 },
              )
              .asResponse(),
          );
        },
      );
      providerWaitMs = called.waitedMs;
      if (called.waitedMs > 0) span.waitedForBudget(called.waitedMs, called.refusals);
      const response = called.response;
      await readCompletion(response, (chunk) => {
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
        }
        const text = choice?.delta?.content;
        if (!text) return;
        const now = Date.now();
        if (!firstTokenAt) {
          firstTokenAt = now;
          observeTraced(metrics.ttft, (now - data.enqueuedAt) / 1000);
          span.firstToken(now - llmStartedAt);
        } else {
          metrics.interToken.observe((now - lastTokenAt) / 1000);
        }
        lastTokenAt = now;
        const step = continuation.next(text);
        if (!step.reset) {
          if (step.write) batcher.push(step.write);
          return;
        }
        // The text diverged from what an earlier attempt streamed: the client discards it first.
        return (async () => {
          await batcher.drain();
          await append({ type: 'reset', data: { attempt } });
          if (step.write) batcher.push(step.write);
        })();
      });
      // A cancel or hand-back may land just as the stream ends.
      if (controller.signal.aborted) throw controller.signal.reason;
      llm.end('ok', { usage, finishReason });
      await batcher.drain();
      if (continuation.needsResetAtEnd) {
        await append({ type: 'reset', data: { attempt } });
        await append({ type: 'token', data: { text: continuation.generated } });
      }
      const endedAt = Date.now();
      const timings = {
        queueWaitMs: Math.max(0, (job.processedOn ?? startedAt) - data.enqueuedAt),
        pickupMs: Math.max(0, budgetAskedAt - (job.processedOn ?? startedAt)),
        providerWaitMs,
        llmFirstTokenMs: firstTokenAt ? firstTokenAt - llmStartedAt : 0,
        totalMs: endedAt - data.enqueuedAt,
      };
      observeTraced(metrics.hop, timings.queueWaitMs / 1000, { hop: 'queue_wait' });
      observeTraced(metrics.hop, timings.pickupMs / 1000, { hop: 'pickup' });
      observeTraced(metrics.hop, timings.providerWaitMs / 1000, { hop: 'provider_wait' });
      observeTraced(metrics.hop, timings.llmFirstTokenMs / 1000, { hop: 'llm_first_token' });
      if (usage && firstTokenAt && lastTokenAt > firstTokenAt) {
        metrics.tokensPerSecond.observe(usage.completionTokens / ((lastTokenAt - firstTokenAt) / 1000));
      }
      const ended = await endReply({
        status: 'complete',
        content: continuation.generated,
        finishReason,
        usage,
        timings,
      });
      // The reply ended while this attempt was finishing (cancelled, or taken over by a newer attempt).
      if (!ended) log.warn({ replyId: data.replyId, attempt }, 'reply already ended or taken over');
      metrics.llmRequests.inc({ outcome: 'ok' });
      metrics.jobs.inc({ queue: 'chat', outcome: 'completed' });
      observeTraced(metrics.jobDuration, (endedAt - startedAt) / 1000, {
        queue: 'chat',
        outcome: 'completed',
      });
      return 'complete';
    } catch (error) {
      if (error instanceof SupersededError) {
        // A newer attempt owns the reply (this one's lock lapsed and the job was taken up again);
        // it continues the stream from where this one stopped, so this one leaves without a word.
        batcher.stop();
        llm?.end('error', { usage, finishReason, error });
        log.warn({ replyId: data.replyId, attempt }, 'reply taken over by a newer attempt');
        metrics.jobs.inc({ queue: 'chat', outcome: 'superseded' });
        return 'superseded';
      }
      const reason = controller.signal.reason;
      const cancelled = controller.signal.aborted && reason instanceof CancelledError;
      llm?.end(cancelled ? 'cancelled' : 'error', { usage, finishReason, error });
      if (cancelled) {
        await batcher.drain().catch(() => undefined);
        await endReply({
          status: 'cancelled',
          content: continuation.text,
          finishReason: 'cancelled',
          usage,
        });
        metrics.llmRequests.inc({ outcome: 'cancelled' });
        metrics.jobs.inc({ queue: 'chat', outcome: 'cancelled' });
        return 'cancelled';
      }
      batcher.stop();
      if (controller.signal.aborted && reason instanceof HandBackError && token) {
        // Back to the queue at once, without spending an attempt; the next worker continues the stream.
        await batcher.drain().catch(() => undefined);
        await job.moveToDelayed(Date.now(), token);
        metrics.jobs.inc({ queue: 'chat', outcome: 'handed_back' });
        throw new DelayedError();
      }
      if (isRedisFull(error)) {
        // Redis refused a token batch (maxmemory): the reply cannot go on, and BullMQ could not
        // record a retry. It ends as failed with exactly the text its stream holds, as soon as
        // Redis takes the end; the client's stream ends with an `error` event, not in the middle.
        await batcher.drain().catch(() => undefined);
        const held = earlierAttempt(await redis.xrange(eventsKey, '-', '+')).text;
        log.warn({ replyId: data.replyId, attempt }, 'redis is full; ending the reply as failed');
        await endReply({
          status: 'failed',
          content: held,
          finishReason: null,
          usage,
          error: { code: 'unavailable', message: 'The reply could not be kept. Please try again.' },
        });
        metrics.jobs.inc({ queue: 'chat', outcome: 'failed' });
        return 'failed';
      }
      metrics.llmRequests.inc({ outcome: 'error' });
      const retryable = isRetryable(error);
      const lastAttempt = !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.warn({ err: error, replyId: data.replyId, attempt, lastAttempt }, 'reply attempt failed');
      if (lastAttempt) {
        await batcher.drain().catch(() => undefined);
        await endReply({
          status: 'failed',
          content: continuation.text,
          finishReason: null,
          usage,
          error: { code: 'llm_failed', message: 'The reply could not be generated. Please try again.' },
        });
        metrics.jobs.inc({ queue: 'chat', outcome: 'failed' });
        if (!retryable) throw new UnrecoverableError((error as Error).message);
      } else {
        metrics.jobs.inc({ queue: 'chat', outcome: 'retried' });
      }
      throw error;
    } finally {
      deps.cancels.release(data.replyId);
      // The call no longer counts as running against the shared budget.
      deps.budget.release(data.replyId).catch((error) => {
        log.warn({ err: error, replyId: data.replyId }, 'could not release the provider call');
      });
    }
  };
}

/** Prompt tokens as the provider counts them against its budget, roughly: 4 characters a token. */
function promptTokens(messages: readonly { content?: unknown }[]): number {
  let chars = 0;
  for (const m of messages) chars += typeof m.content === 'string' ? m.content.length : 0;
  return Math.ceil(chars / 4);
}

/** Rate limits, server errors, timeouts and cut connections are worth another attempt; a 4xx is not. */
function isRetryable(error: unknown): boolean {
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  }
  return true;
}
