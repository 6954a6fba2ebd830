import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../harness/client';
import { type Stack, startStack } from '../harness/stack';

// Found by fuzzing: an id past Redis's 64-bit range passed the Last-Event-ID check and made the
// gateway's one shared XREAD fail for every stream it relays, so all other clients froze.
describe('a Last-Event-ID past what Redis accepts', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ llm: { ttftMs: 100, itlMs: 10 } });
  });
  afterAll(() => stack?.stop());

  it('is refused with 400 and leaves the other streams of the gateway flowing', async () => {
    const mallory = await createClient(stack.baseUrl).guest();
    const own = await mallory.send(await mallory.conversation(), 'hello');
    for (const id of ['99999999999999999999-0', '18446744073709551616-0', '0-18446744073709551616']) {
      const viaHeader = await mallory.request('GET', `/api/replies/${own.replyId}/stream`, undefined, {
        'last-event-id': id,
      });
      const viaQuery = await mallory.request('GET', `/api/replies/${own.replyId}/stream?lastEventId=${id}`);
      for (const res of [viaHeader, viaQuery]) {
        expect(res.status, id).toBe(400);
        expect(res.json.error.code).toBe('invalid_last_event_id');
      }
    }

    const alice = await createClient(stack.baseUrl).guest();
    const { replyId } = await alice.send(await alice.conversation(), 'tell me a story');
    const { events } = await alice.stream(replyId);
    expect(events.at(-1)?.event).toBe('done');
  });
});
