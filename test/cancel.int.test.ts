import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, eventually, replyText } from './harness/client';
import { type Stack, startStack } from './harness/stack';

describe('cancel', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ llm: { ttftMs: 20, itlMs: 150 } });
  });
  afterAll(() => stack?.stop());

  it('stops a running reply, aborts the LLM call and saves the partial reply as cancelled', async () => {
    const user = await createClient(stack.baseUrl).guest();
    const conversationId = await user.conversation();
    const { replyId } = await user.send(conversationId, 'Write me something long');
    const abortedBefore = stack.llm.stats().aborted;
    let cancelled = false;
    const { events } = await user.stream(replyId, {
      onEvent: (e) => {
        if (e.event === 'token' && !cancelled) {
          cancelled = true;
          void user.request('POST', `/api/replies/${replyId}/cancel`).then((r) => expect(r.status).toBe(202));
        }
      },
    });
    expect(events.at(-1)?.event).toBe('cancelled');
    const partial = replyText(events);
    expect(partial.length).toBeGreaterThan(0);
    expect(stack.llm.stats().aborted).toBe(abortedBefore + 1);
    const row = await eventually(
      () => stack.db.selectFrom('messages').selectAll().where('id', '=', replyId).executeTakeFirst(),
      (r) => r !== undefined,
    );
    expect(row!.status).toBe('cancelled');
    expect(row!.content).toBe(partial);
    // A full reply would have been far longer than what was saved.
    expect(row!.content.split(' ').length).toBeLessThan(150);
  });

  it('removes a job that has not started and ends its stream as cancelled', async () => {
    await Promise.all(stack.chatWorkers.map((w) => w.worker.pause()));
    try {
      const user = await createClient(stack.baseUrl).guest();
      const conversationId = await user.conversation();
      const { replyId } = await user.send(conversationId, 'Never mind');
      const res = await user.request('POST', `/api/replies/${replyId}/cancel`);
      expect(res.status).toBe(202);
      expect(res.json.state).toBe('cancelled');
      const { events } = await user.stream(replyId);
      expect(events.map((e) => e.event)).toEqual(['cancelled']);
      expect(await stack.gateway.app.hasRoute({ method: 'GET', url: '/healthz' })).toBe(true);
      const history = await eventually(
        () => user.history(conversationId),
        (h) => h.length === 2 && h[1]!.status === 'cancelled',
      );
      expect(history[0]!.content).toBe('Never mind');
      const row = await eventually(
        () => stack.db.selectFrom('messages').selectAll().where('id', '=', replyId).executeTakeFirst(),
        (r) => r !== undefined,
      );
      expect(row!.status).toBe('cancelled');
    } finally {
      for (const w of stack.chatWorkers) w.worker.resume();
    }
  });
});
