import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { startFaultProxy } from '../../test/chaos/fault.proxy';
import { aChatJob as job } from '../../test/harness/jobs';
import type { ChatJob } from '../jobs/chat.job';
import type { WriteMessage } from '../jobs/writes.messages';
import { redisKeys } from '../redis/keys';
import { appendEvent, SupersededError } from './reply.events';
import { type FinalizerDeps, finalizeReply } from './reply.finalizer';

// Through a fault proxy, so a test can lose Redis's answers on the way back, as a dropped
// connection does; ioredis then resends what it has not heard back about.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const target = new URL(redisUrl);
const proxy = await startFaultProxy(target.hostname, Number(target.port || 6379));
const redis = new Redis(proxy.url(redisUrl), { retryStrategy: () => 20 });
redis.on('error', () => {});
const direct = new Redis(redisUrl);
const prefix = `test-finalizer-${randomUUID().slice(0, 8)}`;
const keys = redisKeys(prefix);
afterAll(async () => {
  const found = await direct.keys(`${prefix}:*`);
  if (found.length) await direct.del(...found);
  redis.disconnect();
  direct.disconnect();
  await proxy.close();
});

const sent: WriteMessage[] = [];
const deps: FinalizerDeps = {
  redis,
  keys,
  writes: { send: async (m) => void sent.push(m), sendBatch: async () => {} },
  streamTtlSeconds: 60,
  turns: { max: 20, ttlSeconds: 60 },
};
const end = {
  status: 'complete' as const,
  content: 'hi there',
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 2 },
};
const stateOf = async (chat: ChatJob) => ({
  events: (await direct.xrange(keys.replyEvents(chat.replyId), '-', '+')).map(([, f]) => f[1]),
  turns: (await direct.lrange(keys.turns(chat.conversationId), 0, -1)).map((t) => JSON.parse(t).id),
  pending: JSON.parse((await direct.hget(keys.pendingTurns(chat.conversationId), chat.replyId)) ?? '{}'),
  status: await direct.hget(keys.reply(chat.replyId), 'status'),
});

it('ends a reply: pending turn, status, the assistant turn, one done event, then the write', async () => {
  const chat = job();
  await finalizeReply(deps, chat, end);
  const state = await stateOf(chat);
  expect(state).toMatchObject({ events: ['done'], turns: [chat.replyId], status: 'complete' });
  expect(state.pending.assistant).toMatchObject({ status: 'complete', content: 'hi there' });
  expect(sent.at(-1)).toMatchObject({ kind: 'chat.turn', replyId: chat.replyId });
  expect(await direct.ttl(keys.replyEvents(chat.replyId))).toBeGreaterThan(0);
});

it('ends a reply once when its end reaches Redis twice', async () => {
  const chat = job();
  // Redis runs the script; its answer is lost; the connection drops; ioredis resends it.
  proxy.deafen();
  const ending = finalizeReply(deps, chat, end);
  const deadline = Date.now() + 5000;
  while ((await direct.xlen(keys.replyEvents(chat.replyId))) === 0) {
    if (Date.now() > deadline) throw new Error('the end never reached Redis');
    await new Promise((r) => setTimeout(r, 10));
  }
  proxy.cut();
  proxy.heal();
  await ending;
  expect(proxy.stats.accepted).toBeGreaterThan(1);
  expect(await stateOf(chat)).toMatchObject({ events: ['done'], turns: [chat.replyId], status: 'complete' });
});

it('keeps the first end when a second attempt of the same reply finishes after it', async () => {
  const chat = job();
  const before = sent.length;
  expect(await finalizeReply(deps, chat, end)).toBe(true);
  expect(await finalizeReply(deps, chat, { ...end, content: 'another text' })).toBe(false);
  expect(await stateOf(chat)).toMatchObject({ events: ['done'], turns: [chat.replyId], status: 'complete' });
  expect((await stateOf(chat)).pending.assistant.content).toBe('hi there');
  expect(sent.slice(before).map((m) => m.kind === 'chat.turn' && m.assistant.content)).toEqual(['hi there']);
});

it('lets only the attempt that owns a reply write to it', async () => {
  const chat = job();
  const replyKey = keys.reply(chat.replyId);
  const eventsKey = keys.replyEvents(chat.replyId);
  const stream = { key: eventsKey, channel: keys.replyLive(chat.replyId) };
  const before = sent.length;
  await direct.hset(replyKey, 'owner', 'first');
  await appendEvent(redis, stream, { type: 'token', data: { text: 'a' } }, { replyKey, token: 'first' });
  // A newer attempt takes the reply over; the first one can neither stream nor end it.
  await direct.hset(replyKey, 'owner', 'second');
  await expect(
    appendEvent(redis, stream, { type: 'token', data: { text: 'b' } }, { replyKey, token: 'first' }),
  ).rejects.toBeInstanceOf(SupersededError);
  expect(await finalizeReply(deps, chat, end, 'first')).toBe(false);
  expect(sent.length).toBe(before);
  await appendEvent(redis, stream, { type: 'token', data: { text: 'c' } }, { replyKey, token: 'second' });
  expect(await finalizeReply(deps, chat, end, 'second')).toBe(true);
  const events = await direct.xrange(eventsKey, '-', '+');
  expect(events.map(([, f]) => (f[1] === 'token' ? JSON.parse(f[3]!).text : f[1]))).toEqual([
    'a',
    'c',
    'done',
  ]);
});
