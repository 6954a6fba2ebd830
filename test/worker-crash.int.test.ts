import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, eventually, replyText } from './harness/client';
import { type Stack, startStack } from './harness/stack';

describe('a chat worker killed mid-reply', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ chatWorkers: 0, llm: { ttftMs: 20, itlMs: 60 } });
  });
  afterAll(() => stack?.stop());

  it('is recovered by another worker and the client ends with one complete reply', async () => {
    const doomed = await stack.spawnChatWorker();
    const user = await createClient(stack.baseUrl).guest();
    const conversationId = await user.conversation();
    const { replyId } = await user.send(conversationId, 'Tell me about the mountains in winter');
    let killed = false;
    let tokens = 0;
    const { events } = await user.stream(replyId, {
      onEvent: (e) => {
        if (e.event === 'token' && !killed) {
          if (++tokens >= 5) {
            killed = true;
            doomed.kill('SIGKILL');
            void stack.spawnChatWorker();
          }
        }
      },
    });
    expect(killed).toBe(true);
    expect(await doomed.exited).toBe('SIGKILL');
    expect(events.at(-1)?.event).toBe('done');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const text = replyText(events);
    const rows = await eventually(
      () =>
        stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      (r) => r.length === 2,
      30_000,
    );
    const assistant = rows.filter((r) => r.role === 'assistant');
    expect(assistant).toHaveLength(1);
    expect(assistant[0]!.content).toBe(text);
    expect(assistant[0]!.status).toBe('complete');
    // The same reply, generated once more from the start, is what the client holds.
    const replay = await user.stream(replyId);
    expect(replyText(replay.events)).toBe(text);
  });
});
