import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './harness/client';
import { type Stack, startStack } from './harness/stack';

describe('isolation between users', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ llm: { ttftMs: 10, itlMs: 2 } });
  });
  afterAll(() => stack?.stop());

  it("answers 404 to every route on another user's conversation and reply", async () => {
    const alice = await createClient(stack.baseUrl).guest();
    const mallory = await createClient(stack.baseUrl).guest();
    const conversationId = await alice.conversation();
    const { replyId } = await alice.send(conversationId, 'my secret');
    await alice.stream(replyId);

    const attempts = [
      mallory.request('GET', `/api/conversations/${conversationId}/messages`),
      mallory.request('POST', `/api/conversations/${conversationId}/messages`, { content: 'hi' }),
      mallory.request('GET', `/api/replies/${replyId}/stream`),
      mallory.request('POST', `/api/replies/${replyId}/cancel`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    const list = await mallory.request('GET', '/api/conversations');
    expect(list.json.conversations).toEqual([]);
    const own = await alice.request('GET', '/api/conversations');
    expect(own.json.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
  });
});
