import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createClient } from './harness/client';
import { type Stack, startStack } from './harness/stack';

describe('bad input', () => {
  let stack: Stack;
  let user: Client;
  let conversationId: string;
  beforeAll(async () => {
    stack = await startStack({ chatWorkers: 0 });
    user = await createClient(stack.baseUrl).guest();
    conversationId = await user.conversation();
  });
  afterAll(() => stack?.stop());

  const queued = async () => {
    const counts = await stack.redis.llen(`${stack.env.AIRA_PREFIX}:chat:wait`);
    return counts;
  };

  it('rejects every malformed request with a 4xx JSON error and enqueues nothing', async () => {
    const before = await queued();
    const path = `/api/conversations/${conversationId}/messages`;
    const cases: [string, Awaited<ReturnType<Client['request']>>, number][] = [
      ['malformed JSON', await user.request('POST', path, '{"content": "hi"'), 400],
      ['wrong type', await user.request('POST', path, { content: 42 }), 400],
      ['unknown field', await user.request('POST', path, { content: 'hi', role: 'system' }), 400],
      ['missing field', await user.request('POST', path, {}), 400],
      ['empty message', await user.request('POST', path, { content: '   ' }), 400],
      ['oversize message', await user.request('POST', path, { content: 'x'.repeat(4001) }), 400],
      ['oversize body', await user.request('POST', path, { content: 'x'.repeat(70_000) }), 413],
      ['array body', await user.request('POST', path, [1, 2]), 400],
      ['not JSON', await user.request('POST', path, 'hello', { 'content-type': 'text/plain' }), 415],
      [
        'bad conversation id',
        await user.request('POST', '/api/conversations/not-a-uuid/messages', { content: 'hi' }),
        400,
      ],
      [
        'unknown conversation',
        await user.request('POST', '/api/conversations/00000000-0000-4000-8000-000000000000/messages', {
          content: 'hi',
        }),
        404,
      ],
      [
        'unknown reply',
        await user.request('GET', '/api/replies/00000000-0000-4000-8000-000000000000/stream'),
        404,
      ],
      [
        'bad last event id',
        await user.request('GET', '/api/replies/00000000-0000-4000-8000-000000000000/stream', undefined, {
          'last-event-id': 'abc',
        }),
        400,
      ],
      ['no token', await createClient(stack.baseUrl).request('POST', path, { content: 'hi' }), 401],
      [
        'bad token',
        await createClient(stack.baseUrl, 'x'.repeat(43)).request('POST', path, { content: 'hi' }),
        401,
      ],
      ['garbage token', await createClient(stack.baseUrl, 'a b\tc').request('GET', '/api/me'), 401],
      ['unknown route', await user.request('GET', '/api/nope'), 404],
    ];
    for (const [name, res, status] of cases) {
      expect.soft(res.status, name).toBe(status);
      expect.soft(typeof res.json?.error?.code, name).toBe('string');
      expect.soft(typeof res.json?.error?.message, name).toBe('string');
    }
    expect(await queued()).toBe(before);
  });

  it('accepts a message at the documented cap', async () => {
    const res = await user.request('POST', `/api/conversations/${conversationId}/messages`, {
      content: '가'.repeat(4000),
    });
    expect(res.status).toBe(202);
  });

  it('says which body field failed which rule, with a stable code the web app translates', async () => {
    const anonymous = createClient(stack.baseUrl);
    const email = `short-${Date.now()}@example.com`;
    const cases: [string, Awaited<ReturnType<Client['request']>>, Record<string, unknown>][] = [
      [
        'short password',
        await anonymous.request('POST', '/api/auth/signup', { email, password: 'x'.repeat(7) }),
        { code: 'field_too_short', field: 'password', limit: 8 },
      ],
      [
        'missing e-mail',
        await anonymous.request('POST', '/api/auth/login', { password: 'whatever' }),
        { code: 'field_required', field: 'email' },
      ],
      [
        'long title',
        await user.request('POST', '/api/conversations', { title: '가'.repeat(101) }),
        { code: 'field_too_long', field: 'title', limit: 100 },
      ],
      [
        'title not text',
        await user.request('POST', '/api/conversations', { title: 7 }),
        { code: 'field_invalid', field: 'title' },
      ],
      ['array body', await user.request('POST', '/api/conversations', [1]), { code: 'invalid_body' }],
      [
        'long message',
        await user.request('POST', `/api/conversations/${conversationId}/messages`, {
          content: '😀'.repeat(4001),
        }),
        { code: 'field_too_long', field: 'content', limit: 4000 },
      ],
    ];
    for (const [name, res, error] of cases) {
      expect.soft(res.status, name).toBe(400);
      expect.soft(res.json?.error, name).toMatchObject(error);
      expect.soft(typeof res.json?.error?.message, name).toBe('string');
    }
  });
});
