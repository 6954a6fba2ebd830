import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { startFaultProxy } from '../../test/chaos/fault.proxy';
import type { ChatJob } from '../jobs/chat.job';
import type { WriteMessage } from '../jobs/writes.messages';
import { redisKeys } from '../redis/keys';
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

const job = (): ChatJob => ({
  v: 1,
  replyId: randomUUID(),
  userMessageId: randomUUID(),
  conversationId: randomUUID(),
  userId: randomUUID(),
  personaId: 'sage',
  lang: 'en',
  content: 'hello',
  enqueuedAt: Date.now(),
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

it('ends a reply once when its transaction reaches Redis twice', async () => {
  const chat = job();
  // Redis runs the transaction; its answer is lost; the connection drops; ioredis resends.
  proxy.deafen();
  const ending = finalizeReply(deps, chat, end);
  const deadline = Date.now() + 5000;
  while ((await direct.xlen(keys.replyEvents(chat.replyId))) === 0) {
    if (Date.now() > deadline) throw new Error('the transaction never reached Redis');
    await new Promise((r) => setTimeout(r, 10));
  }
  proxy.cut();
  proxy.heal();
  await ending;
  expect(proxy.stats.accepted).toBeGreaterThan(1);
  expect(await stateOf(chat)).toMatchObject({ events: ['done'], turns: [chat.replyId], status: 'complete' });
});
