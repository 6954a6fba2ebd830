import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConversations } from '../../../shared/db/conversations.repository';
import type { Db } from '../../../shared/db/database';
import { insertMessages } from '../../../shared/db/messages.repository';
import type { WriteMessage } from '../../../shared/jobs/writes.messages';
import { acceptedTurn, endedTurn, turnRows, turnWrite } from '../../../shared/replies/turn';
import { dialects } from '../../../test/harness/databases';
import { aChatJob } from '../../../test/harness/jobs';
import { migratedDatabase, prefixedRedis } from '../../../test/harness/medium';
import { createConversationStore } from './conversation.store';

// The conversation store on real Redis and each database: what the request path reads while the
// writer has not yet stored what was sent.

const { keys, redis, cleanup } = prefixedRedis('conversations');

afterAll(async () => {
  await cleanup();
});

describe.each(dialects)('conversation store on %s', (dialect) => {
  let db: Db;
  let drop: () => Promise<void> = async () => {};
  const sent: WriteMessage[] = [];
  const writes = { send: async (m: WriteMessage) => void sent.push(m), sendBatch: async () => {} };
  let store: ReturnType<typeof createConversationStore>;

  beforeAll(async () => {
    ({ db, drop } = await migratedDatabase(dialect));
    store = createConversationStore({ redis, keys, db, writes, ttlSeconds: 60 });
  });
  afterAll(() => drop());

  it('starts a conversation in Redis, sends it to be stored, and finds it for its owner only', async () => {
    const alice = randomUUID();
    const created = await store.create(alice, 'sage', 'Tides');
    expect(sent.at(-1)).toMatchObject({
      kind: 'conversation.created',
      conversationId: created.id,
      title: 'Tides',
    });
    expect(await store.find(alice, created.id)).toMatchObject({ id: created.id, personaId: 'sage' });
    expect(await store.find(randomUUID(), created.id)).toBeNull();
    // A fresh store (another gateway) reads it from Redis, not from memory.
    const other = createConversationStore({ redis, keys, db, writes, ttlSeconds: 60 });
    expect(await other.find(alice, created.id)).toMatchObject({ title: 'Tides' });
  });

  it('lists stored conversations and those still on their way, newest first, each once', async () => {
    const bob = randomUUID();
    const stored = { id: randomUUID(), user_id: bob, persona_id: 'sage', title: 'old', created_at: 1000 };
    await insertConversations(db, [stored]);
    const fresh = await store.create(bob, 'sage');
    // The writer has stored this one too, and Redis still has it.
    const both = await store.create(bob, 'sage', 'both');
    await insertConversations(db, [
      { id: both.id, user_id: bob, persona_id: 'sage', title: 'both', created_at: both.createdAt },
    ]);
    const list = await store.list(bob);
    expect(list.map((c) => c.id).sort()).toEqual([both.id, fresh.id, stored.id].sort());
    expect(list.map((c) => c.createdAt)).toEqual(list.map((c) => c.createdAt).sort((a, b) => b - a));
    expect(list.at(-1)).toMatchObject({ id: stored.id, title: 'old' });
    expect(await store.list(randomUUID())).toEqual([]);
  });

  it('shows the history with every turn still on its way, the stored copy winning, in order', async () => {
    const carol = randomUUID();
    const conversationId = randomUUID();
    const job = (enqueuedAt: number, content: string) =>
      aChatJob({ conversationId, userId: carol, content, enqueuedAt });
    const end = { status: 'complete' as const, content: 'stored answer', finishReason: 'stop', usage: null };
    // First turn: stored, and its pending copy not yet cleared (the writer's clean-up came later).
    const first = job(1000, 'first');
    await insertMessages(db, turnRows(turnWrite(first, end, 1500)));
    await redis.hset(
      keys.pendingTurns(conversationId),
      first.replyId,
      JSON.stringify(endedTurn(first, { ...end, content: 'pending copy' }, 1500)),
    );
    // Second turn: ended, in the queue. Third: still streaming.
    const second = job(2000, 'second');
    await redis.hset(
      keys.pendingTurns(conversationId),
      second.replyId,
      JSON.stringify(endedTurn(second, { ...end, status: 'cancelled', content: 'half' }, 2500)),
    );
    const third = job(3000, 'third');
    await redis.hset(keys.pendingTurns(conversationId), third.replyId, JSON.stringify(acceptedTurn(third)));

    const history = await store.history(carol, conversationId);
    expect(history.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'first', 'complete'],
      ['assistant', 'stored answer', 'complete'],
      ['user', 'second', 'complete'],
      ['assistant', 'half', 'cancelled'],
      ['user', 'third', 'complete'],
      ['assistant', '', 'streaming'],
    ]);
    expect(history[5]).toMatchObject({ id: third.replyId, replyId: third.replyId, createdAt: 3000 });
  });
});
