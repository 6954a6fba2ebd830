import { describe, expect, it } from 'vitest';
import { checkChatRequest } from './chat.request';

const messages = [{ role: 'user', content: 'hi' }];

describe('checkChatRequest', () => {
  it('accepts a minimal request and ignores fields it does not read', () => {
    expect(checkChatRequest({ model: 'm', messages, temperature: 0.3, tools: [] })).toMatchObject({
      ok: true,
    });
    const parts = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];
    expect(checkChatRequest({ model: 'm', messages: parts, stream: true })).toMatchObject({ ok: true });
  });

  it.each([
    [{ messages }, 'model'],
    [{ model: 'm' }, 'messages'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages.[0].role'],
    [{ model: 'm', messages, max_tokens: 0 }, 'max_tokens'],
    [{ model: 'm', messages, max_completion_tokens: 'ten' }, 'max_completion_tokens'],
    [{ model: 'm', messages, n: 2 }, 'n'],
    [{ model: 'm', messages, stream_options: { include_usage: true } }, 'stream_options'],
  ])('rejects %j naming %s', (body, param) => {
    const result = checkChatRequest(body);
    expect(result).toMatchObject({ ok: false, param });
    expect(result.ok || result.message.length > 0).toBe(true);
  });

  it('rejects a body that is not an object', () => {
    expect(checkChatRequest([1, 2])).toMatchObject({ ok: false, param: null });
  });
});
