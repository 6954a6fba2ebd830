import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmSim } from '../../services/llm-sim/llm-sim.app';
import type { Db } from '../../shared/db/database';
import { insertMessages } from '../../shared/db/messages.repository';
import type { ChatJob } from '../../shared/jobs/chat.job';
import type { WriteMessage, WriteOf } from '../../shared/jobs/writes.messages';
import { createProviderBudget } from '../../shared/provider/provider.budget';
import { createRedis } from '../../shared/redis/connection';
import { decodeEntry } from '../../shared/replies/reply.events';
import { turnRows, turnWrite } from '../../shared/replies/turn';
import { createLogger } from '../../shared/telemetry/logger';
import { createRegistry } from '../../shared/telemetry/metrics';
import { dialects } from '../../test/harness/databases';
import { aChatJob } from '../../test/harness/jobs';
import { migratedDatabase, prefixedRedis, testRedisUrl } from '../../test/harness/medium';
import { createCancelRegistry } from './cancel.registry';
import { createChatMetrics } from './chat.metrics';
import { createReplyHandler } from './reply.handler';

// The reply handler on real parts: Redis, the LLM simulator over HTTP, and each database for the
// prompt of a conversation Redis does not hold whole. The writes queue is a list the test reads.

const { prefix, keys, redis, cleanup } = prefixedRedis('handler');
const log = createLogger('chat-worker', 'silent');
const subscriber = createRedis(testRedisUrl, {
  name: `${prefix}:cancel`,
  blocking: true,
  enableReadyCheck: false,
});
const llm = createLlmSim({ settings: { ttftMs: 5, itlMs: 1, jitter: 0 } });
const { baseURL } = await llm.listen(0);

afterAll(async () => {
  await cleanup();
  subscriber.disconnect();
  await llm.close();
});

/** A chat job as BullMQ hands it to the handler: first attempt of three, just taken. */
const jobOf = (data: ChatJob) =>
  ({
    data,
    attemptsStarted: 1,
    attemptsMade: 0,
    opts: { attempts: 3 },
    processedOn: Date.now(),
  }) as Job<ChatJob>;

const eventsOf = async (replyId: string) =>
  (await redis.xrange(keys.replyEvents(replyId), '-', '+')).map((entry) => decodeEntry(entry));

describe.each(dialects)('reply handler on %s', (dialect) => {
  let db: Db;
  let drop: () => Promise<void> = async () => {};
  const sent: WriteMessage[] = [];
  let handle: ReturnType<typeof createReplyHandler>;
  const turnOf = (replyId: string) =>
    sent.find((m): m is WriteOf<'chat.turn'> => m.kind === 'chat.turn' && m.replyId === replyId);

  beforeAll(async () => {
    ({ db, drop } = await migratedDatabase(dialect));
    const cancels = createCancelRegistry({ subscriber, channel: keys.cancelChannel, log });
    await cancels.start();
    handle = createReplyHandler({
      redis,
      keys,
      db,
      openai: new OpenAI({ apiKey: 'sk-test', baseURL }),
      model: 'aira-sim',
      maxTokens: 64,
      llmTimeoutMs: 10_000,
      batchMs: 5,
      streamTtlSeconds: 60,
      turns: { max: 20, ttlSeconds: 60 },
      writes: { send: async (m) => void sent.push(m), sendBatch: async (ms) => void sent.push(...ms) },
      cancels,
      budget: createProviderBudget(redis, keys, { callLeaseMs: 60_000 }),
      maxRefusals: 10,
      metrics: createChatMetrics(createRegistry('chat-worker')),
      log,
    });
  });
  afterAll(() => drop());

  it('streams a reply into its stream, ends it once and sends the turn to be stored', async () => {
    const conversationId = randomUUID();
    await redis.set(keys.turnsComplete(conversationId), '1', 'EX', 60);
    const data = aChatJob({ conversationId });
    expect(await handle(jobOf(data))).toBe('complete');

    const events = await eventsOf(data.replyId);
    expect(events.at(-1)?.type).toBe('done');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    const text = events
      .filter((e) => e.type === 'token')
      .map((e) => (JSON.parse(e.data) as { text: string }).text)
      .join('');
    expect(text.length).toBeGreaterThan(0);
    expect(turnOf(data.replyId)).toMatchObject({
      user: { id: data.userMessageId, content: data.content },
      assistant: { status: 'complete', content: text },
    });
    // The recent turns now end with the reply, for the next message's prompt.
    const recent = (await redis.lrange(keys.turns(conversationId), 0, -1)).map((t) => JSON.parse(t));
    expect(recent.at(-1)).toMatchObject({ id: data.replyId, role: 'assistant', content: text });
  });

  it('builds the prompt from the database when Redis does not hold the whole conversation', async () => {
    const fresh = aChatJob();
    await redis.set(keys.turnsComplete(fresh.conversationId), '1', 'EX', 60);
    await handle(jobOf(fresh));

    const stored = aChatJob();
    const earlier = { ...stored, replyId: randomUUID(), userMessageId: randomUUID(), enqueuedAt: 1000 };
    const long = 'An earlier question about the sea, the tides and the moon. '.repeat(20);
    await insertMessages(
      db,
      turnRows(
        turnWrite(
          { ...earlier, content: long },
          { status: 'complete', content: long, finishReason: 'stop', usage: null },
          2000,
        ),
      ),
    );
    await handle(jobOf(stored));
    const usage = (id: string) =>
      (sent.find((m) => m.kind === 'chat.turn' && m.replyId === id) as WriteOf<'chat.turn'>).assistant.usage!;
    // Same message; the prompt with the stored history is far longer.
    expect(usage(stored.replyId).promptTokens).toBeGreaterThan(usage(fresh.replyId).promptTokens + 100);
  });

  it('ends a reply cancelled before its job ran as cancelled, without calling the model', async () => {
    const data = aChatJob();
    await redis.set(keys.replyCancel(data.replyId), '1', 'EX', 60);
    const before = llm.stats().requests;
    expect(await handle(jobOf(data))).toBe('cancelled');
    expect(llm.stats().requests).toBe(before);
    expect((await eventsOf(data.replyId)).map((e) => e.type)).toEqual(['cancelled']);
    expect(turnOf(data.replyId)?.assistant.status).toBe('cancelled');
  });

  it('only re-sends the write of a reply an earlier attempt already ended', async () => {
    const conversationId = randomUUID();
    await redis.set(keys.turnsComplete(conversationId), '1', 'EX', 60);
    const data = aChatJob({ conversationId });
    await handle(jobOf(data));
    const writes = sent.filter((m) => m.kind === 'chat.turn' && m.replyId === data.replyId).length;
    const before = llm.stats().requests;

    expect(await handle(jobOf(data))).toBe('complete');
    expect(llm.stats().requests).toBe(before);
    expect((await eventsOf(data.replyId)).filter((e) => e.type === 'done')).toHaveLength(1);
    expect(sent.filter((m) => m.kind === 'chat.turn' && m.replyId === data.replyId)).toHaveLength(writes + 1);
  });
});
