import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../services/gateway/gateway';
import { loadGatewayConfig } from '../services/gateway/gateway.config';
import { createClient, eventually } from './harness/client';
import { dialects } from './harness/databases';
import { type Stack, startStack } from './harness/stack';

describe.each(dialects)('accounts on %s', (database) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ database, llm: { ttftMs: 5, itlMs: 1 } });
  });
  afterAll(() => stack?.stop());
  const email = () => `user-${Math.random().toString(36).slice(2)}@example.com`;

  it('signs up, refuses a taken e-mail, and logs in with a new token each time', async () => {
    const api = createClient(stack.baseUrl);
    const address = email();
    const signup = await api.request('POST', '/api/auth/signup', {
      email: address.toUpperCase(),
      password: 'long enough pw',
    });
    expect(signup.status).toBe(201);
    expect(signup.json.user).toMatchObject({ email: address, isGuest: false });
    expect(signup.headers.get('set-cookie')).toMatch(/aira_session=.*HttpOnly/i);
    const taken = await api.request('POST', '/api/auth/signup', {
      email: address,
      password: 'another password',
    });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('email_taken');
    const wrong = await api.request('POST', '/api/auth/login', {
      email: address,
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    const first = await api.request('POST', '/api/auth/login', {
      email: address,
      password: 'long enough pw',
    });
    const second = await api.request('POST', '/api/auth/login', {
      email: address,
      password: 'long enough pw',
    });
    expect(first.status).toBe(200);
    expect(first.json.token).not.toBe(second.json.token);
    expect(first.json.user.id).toBe(signup.json.user.id);
    const me = await api.withToken(second.json.token).request('GET', '/api/me');
    expect(me.json.user.email).toBe(address);
    const rows = await stack.db.selectFrom('users').selectAll().where('email', '=', address).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
  });

  it('ends a session on every gateway at once, even one that has just used it', async () => {
    const other = await startGateway(loadGatewayConfig(stack.env));
    try {
      const here = await createClient(stack.baseUrl).guest();
      const there = createClient(other.url, here.token);
      // Both gateways have seen the session (and remember it).
      expect((await here.request('GET', '/api/me')).status).toBe(200);
      expect((await there.request('GET', '/api/me')).status).toBe(200);
      expect((await here.request('POST', '/api/auth/logout')).status).toBe(204);
      await eventually(
        async () => (await there.request('GET', '/api/me')).status,
        (status) => status === 401,
        2000,
      );
      expect((await here.request('GET', '/api/me')).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('keeps a guest’s conversations when the guest signs up', async () => {
    const guest = await createClient(stack.baseUrl).guest();
    const conversationId = await guest.conversation();
    const { replyId } = await guest.send(conversationId, 'remember me');
    await guest.stream(replyId);
    const guestId = (await guest.request('GET', '/api/me')).json.user.id;
    const address = email();
    const signup = await guest.request('POST', '/api/auth/signup', {
      email: address,
      password: 'long enough pw',
    });
    expect(signup.status).toBe(201);
    expect(signup.json.user.id).toBe(guestId);
    const login = await createClient(stack.baseUrl).request('POST', '/api/auth/login', {
      email: address,
      password: 'long enough pw',
    });
    const account = createClient(stack.baseUrl, login.json.token);
    const list = await account.request('GET', '/api/conversations');
    expect(list.json.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    const history = await eventually(
      () => account.history(conversationId),
      (h) => h.length === 2,
    );
    expect(history[0]!.content).toBe('remember me');
    // The old guest token no longer works.
    expect((await guest.request('GET', '/api/me')).status).toBe(401);
  });

  it('rejects bad sign-up input with 4xx and writes nothing', async () => {
    const api = createClient(stack.baseUrl);
    const before = await stack.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const cases = [
      await api.request('POST', '/api/auth/signup', { email: 'not-an-email', password: 'long enough pw' }),
      await api.request('POST', '/api/auth/signup', { email: email(), password: 'short' }),
      await api.request('POST', '/api/auth/signup', { email: email(), password: 12345678 }),
      await api.request('POST', '/api/auth/signup', {
        email: email(),
        password: 'long enough pw',
        admin: true,
      }),
      await api.request('POST', '/api/auth/signup', { email: email(), password: 'x'.repeat(100_000) }),
      await api.request('POST', '/api/auth/login', { email: 'a@b.c' }),
    ];
    for (const res of cases) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json.error.code).toEqual(expect.any(String));
    }
    const after = await stack.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  it('slows down and then blocks repeated failed logins for one account', async () => {
    const api = createClient(stack.baseUrl);
    const address = email();
    await api.request('POST', '/api/auth/signup', { email: address, password: 'long enough pw' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 11; i++) {
      const res = await api.request('POST', '/api/auth/login', { email: address, password: `wrong ${i}` });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Even the right password waits out the block.
    const right = await api.request('POST', '/api/auth/login', {
      email: address,
      password: 'long enough pw',
    });
    expect(right.status).toBe(429);
  }, 60_000);
});
