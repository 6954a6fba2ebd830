import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_MAX_CHARS_DEFAULT } from '../services/gateway/http.limits';
import { createClient, eventually, replyText } from './harness/client';
import { dialects } from './harness/databases';
import { type Stack, startStack } from './harness/stack';

describe.each(dialects)('chat path on %s', (database) => {
  let stack: Stack;
  beforeAll(async () => {
    // A stored reply's stream goes a second after the turn is stored, so the replay is seen soon.
    stack = await startStack({
      database,
      llm: { ttftMs: 20, itlMs: 10 },
      env: { REPLY_STREAM_STORED_TTL_S: '1' },
    });
  });
  afterAll(() => stack?.stop());

  it('streams a reply to done and persists both turns', async () => {
    const alice = await createClient(stack.baseUrl).guest();
    const conversationId = await alice.conversation();
    const { replyId, userMessageId } = await alice.send(conversationId, 'Hello there, how are you?');
    const { events } = await alice.stream(replyId);
    expect(events.at(-1)?.event).toBe('done');
    expect(events.filter((e) => e.event === 'token').length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const text = replyText(events);
    expect(text).toMatch(/^(아이라|Aira) /);

    const rows = await eventually(
      () =>
        stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      (r) => r.length === 2,
    );
    const assistant = rows.find((r) => r.role === 'assistant')!;
    expect(assistant.id).toBe(replyId);
    expect(assistant.content).toBe(text);
    expect(assistant.status).toBe('complete');
    expect(rows.find((r) => r.role === 'user')!.id).toBe(userMessageId);

    const history = await alice.history(conversationId);
    expect(history.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(history[1]!.content).toBe(text);
  });

  it('resumes a dropped stream with Last-Event-ID without gap or duplicate', async () => {
    stack.llm.setConfig({ itlMs: 15 });
    const bob = await createClient(stack.baseUrl).guest();
    const conversationId = await bob.conversation();
    const { replyId } = await bob.send(conversationId, 'Tell me a long story about the sea');
    // A second reader follows the whole stream live, as it is written.
    const whole = bob.stream(replyId);
    const first = await bob.stream(replyId, { stopAfter: 3 });
    expect(first.events).toHaveLength(3);
    const rest = await bob.stream(replyId, { lastEventId: first.events.at(-1)!.id });
    const all = [...first.events, ...rest.events];
    expect(all.at(-1)?.event).toBe('done');
    const full = await whole;
    expect(all.map((e) => e.id)).toEqual(full.events.map((e) => e.id));
    expect(replyText(all)).toBe(replyText(full.events));
  });

  it('replays a stored reply from the history once its stream is gone, whatever the client holds', async () => {
    const carol = await createClient(stack.baseUrl).guest();
    const conversationId = await carol.conversation();
    const { replyId } = await carol.send(conversationId, 'Say something short');
    const live = await carol.stream(replyId);
    const done = live.events.at(-1)!;
    expect(done.event).toBe('done');
    const text = replyText(live.events);
    // Once the writer has stored the turn, the stream leaves Redis (here a second later).
    await eventually(
      () => stack.redis.exists(`${stack.env.AIRA_PREFIX}:reply:${replyId}:events`),
      (n) => n === 0,
    );

    const fresh = await carol.stream(replyId);
    expect(fresh.events.map((e) => e.event)).toEqual(['token', 'done']);
    expect(replyText(fresh.events)).toBe(text);
    // The events carry the id the final event had in the stream.
    expect(fresh.events.map((e) => e.id)).toEqual([done.id, done.id]);

    // A client that had part of it discards that part and gets the whole text.
    const resumed = await carol.stream(replyId, { lastEventId: live.events[1]!.id });
    expect(resumed.events.map((e) => e.event)).toEqual(['reset', 'token', 'done']);
    expect(replyText([...live.events.slice(0, 2), ...resumed.events])).toBe(text);

    // One that had the final event gets nothing more.
    const after = await carol.stream(replyId, { lastEventId: done.id });
    expect(after.status).toBe(200);
    expect(after.events).toEqual([]);
  });

  it('counts a message in code points: one of MESSAGE_MAX_CHARS emoji is answered and stored, one more is refused', async () => {
    const dave = await createClient(stack.baseUrl).guest();
    const conversationId = await dave.conversation();
    const limit = MESSAGE_MAX_CHARS_DEFAULT;
    const content = '😀'.repeat(limit);
    // Twice as many UTF-16 units as the limit: nothing past the gateway may count those.
    expect(content.length).toBe(2 * limit);
    const { replyId, userMessageId } = await dave.send(conversationId, content);
    const { events } = await dave.stream(replyId);
    expect(events.at(-1)?.event).toBe('done');
    const rows = await eventually(
      () =>
        stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      (r) => r.length === 2,
    );
    expect(rows.find((r) => r.id === userMessageId)?.content).toBe(content);
    expect(rows.find((r) => r.id === replyId)?.status).toBe('complete');

    const over = await dave.request('POST', `/api/conversations/${conversationId}/messages`, {
      content: `${content}😀`,
    });
    expect(over.status).toBe(400);
    expect(over.json?.error).toMatchObject({ code: 'field_too_long', field: 'content', limit });
    expect(typeof over.json?.error?.message).toBe('string');
  });
});
