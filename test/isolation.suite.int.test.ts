import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../shared/redis/keys';
import { type OpenApiDocument, type Operation, operationsOf } from './fuzz/openapi.operations';
import { type Client, createClient, eventually } from './harness/client';
import { dialects } from './harness/databases';
import { type Stack, startStack } from './harness/stack';

/** One user's things, in every state a lookup can find them in. */
interface Holdings {
  client: Client;
  /** Conversation ids: one Redis knows, one only the database knows. */
  conversations: string[];
  /** Reply ids: complete, cancelled, still streaming, expired stream (replayed from history), database only. */
  replies: string[];
  streaming: string;
}

/**
 * Every route that takes an id, tried by one user on another user's things: each answers 404, as
 * a missing thing would, and the owner's things are unchanged afterwards. The routes come from
 * the OpenAPI document, so a new route with an id is tried without anyone listing it here.
 */
describe.each(dialects)('isolation between users on %s', (database) => {
  let stack: Stack;
  let idRoutes: Operation[];
  let questions: { id: string; options: { value: number }[] }[];

  beforeAll(async () => {
    stack = await startStack({ database, llm: { ttftMs: 10, itlMs: 2 } });
    const doc = (await (await fetch(`${stack.baseUrl}/docs/json`)).json()) as OpenApiDocument;
    idRoutes = operationsOf(doc).filter((op) => op.pathParams.length > 0);
    questions = (await createClient(stack.baseUrl).request('GET', '/api/survey')).json.questions;
  });
  afterAll(() => stack?.stop());

  const keys = () => redisKeys(stack.env.AIRA_PREFIX!);
  const messageRows = (conversationId: string) =>
    stack.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute();

  /** Builds a user's conversations and replies, then makes some of them known only to the database. */
  async function holdingsOf(client: Client): Promise<Holdings> {
    const [cached, persisted] = [await client.conversation(), await client.conversation()];
    const complete = (await client.send(cached, 'a finished reply')).replyId;
    await client.stream(complete);
    const cancelled = (await client.send(cached, 'a cancelled reply')).replyId;
    await client.request('POST', `/api/replies/${cancelled}/cancel`);
    await client.stream(cancelled);
    const expired = (await client.send(cached, 'a reply whose stream expired')).replyId;
    await client.stream(expired);
    const old = (await client.send(persisted, 'a reply only the database has')).replyId;
    await client.stream(old);
    await eventually(
      async () => (await messageRows(cached)).length + (await messageRows(persisted)).length,
      (n) => n === 8,
      30_000,
    );
    await stack.redis.del(keys().replyEvents(expired));
    await stack.redis.del(
      keys().conversation(persisted),
      keys().reply(old),
      keys().replyEvents(old),
      keys().pendingTurns(persisted),
    );
    stack.llm.setConfig({ itlMs: 150 });
    const streaming = (await client.send(cached, 'a reply still being written')).replyId;
    stack.llm.setConfig({ itlMs: 2 });
    return {
      client,
      conversations: [cached, persisted],
      replies: [complete, cancelled, expired, old, streaming],
      streaming,
    };
  }

  /** Every route with an id, filled with the victim's ids, sent with the intruder's credentials. */
  function attemptsOn(victim: Holdings, intruder: Client, token: string) {
    const idsFor: Record<string, string[]> = { id: victim.conversations, replyId: victim.replies };
    const attempts: { route: string; run: () => ReturnType<Client['request']> }[] = [];
    for (const op of idRoutes) {
      const param = op.pathParams[0]!;
      const ids = idsFor[param.name];
      if (!ids || op.pathParams.length > 1) throw new Error(`no ids known for ${op.key}: extend this suite`);
      for (const id of ids) {
        const path = op.path.replace(`{${param.name}}`, id);
        const body = op.body ? { content: 'let me in' } : undefined;
        const variants: [string, Record<string, string>][] = [
          ['bearer', {}],
          ['cookie', { cookie: `aira_session=${token}` }],
        ];
        if (op.headers.some((h) => h.name === 'last-event-id'))
          variants.push(['resume', { 'last-event-id': '0-0' }]);
        for (const [how, headers] of variants) {
          attempts.push({
            route: `${op.key} (${how})`,
            run: () =>
              how === 'cookie'
                ? createClient(stack.baseUrl).request(op.method, path, body, headers)
                : intruder.request(op.method, path, body, headers),
          });
        }
      }
    }
    return attempts;
  }

  it("answers 404 to every route on another user's things, both ways, and leaves them as they were", async () => {
    const alice = await holdingsOf(await createClient(stack.baseUrl).guest());
    const bobClient = await createClient(stack.baseUrl).guest();
    const signup = await bobClient.request('POST', '/api/auth/signup', {
      email: `bob-${stack.id}@example.com`,
      password: 'bob password 1',
    });
    expect(signup.status).toBe(201);
    const bob = await holdingsOf(bobClient.withToken(signup.json.token));

    const historyBefore = await Promise.all(alice.conversations.map((c) => alice.client.history(c)));
    const counts = new Map<string, number>();
    for (const [victim, intruder] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      for (const attempt of attemptsOn(victim, intruder.client, intruder.client.token!)) {
        const res = await attempt.run();
        expect.soft(res.status, attempt.route).toBe(404);
        expect.soft(res.json?.error?.code, attempt.route).toBe('not_found');
        counts.set(attempt.route, (counts.get(attempt.route) ?? 0) + 1);
      }
      const list = await intruder.client.request('GET', '/api/conversations');
      const seen = list.json.conversations.map((c: { id: string }) => c.id);
      expect(seen.filter((id: string) => victim.conversations.includes(id))).toEqual([]);
      counts.set('GET /api/conversations (list)', (counts.get('GET /api/conversations (list)') ?? 0) + 1);
    }

    // The intruder's sends and cancels changed nothing: the reply in flight still ends as done,
    // and the history holds the same messages.
    const { events } = await alice.client.stream(alice.streaming);
    expect(events.at(-1)?.event).toBe('done');
    const historyAfter = await Promise.all(alice.conversations.map((c) => alice.client.history(c)));
    const ids = (h: { id: string }[][]) => h.map((c) => c.map((m) => m.id));
    expect(ids(historyAfter)[1]).toEqual(ids(historyBefore)[1]);
    expect(historyAfter[0]!.filter((m) => m.content === 'let me in')).toEqual([]);
    expect(historyAfter[0]!.length).toBe(historyBefore[0]!.length);

    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`isolation (${database}): ${total} attempts, every one 404`);
    console.table(Object.fromEntries([...counts].map(([route, n]) => [route, { attempts: n }])));
    expect(total).toBeGreaterThanOrEqual(60);
  }, 120_000);

  it('shows each user only their own survey answers and result, whatever the other answers', async () => {
    const alice = await createClient(stack.baseUrl).guest();
    const bob = await createClient(stack.baseUrl).guest();
    const answer = (client: Client, pick: (q: (typeof questions)[number]) => number) =>
      client.request('PUT', '/api/survey/answers', {
        answers: questions.map((q) => ({ questionId: q.id, value: pick(q) })),
      });
    expect((await answer(alice, (q) => q.options[0]!.value)).status).toBe(202);
    const aliceResult = await eventually(
      () => alice.request('GET', '/api/survey/result?lang=en'),
      (r) => r.status === 200,
      30_000,
    );
    // Bob has answered nothing: his result is his own (incomplete), not Alice's.
    const bobEmpty = await bob.request('GET', '/api/survey/result');
    expect(bobEmpty.status).toBe(409);
    expect(bobEmpty.json.missing).toHaveLength(questions.length);

    expect((await answer(bob, (q) => q.options.at(-1)!.value)).status).toBe(202);
    const bobResult = await eventually(
      () => bob.request('GET', '/api/survey/result?lang=en'),
      (r) => r.status === 200,
      30_000,
    );
    const aliceAgain = await alice.request('GET', '/api/survey/result?lang=en');
    expect(aliceAgain.json).toEqual(aliceResult.json);
    expect(bobResult.json.scores).not.toEqual(aliceResult.json.scores);
    const [aliceMe, bobMe] = [await alice.request('GET', '/api/me'), await bob.request('GET', '/api/me')];
    const stored = await stack.db
      .selectFrom('survey_answers')
      .select(['question_id', 'value'])
      .where('user_id', '=', aliceMe.json.user.id)
      .execute();
    expect(stored.map((a) => `${a.question_id}=${a.value}`).sort()).toEqual(
      questions.map((q) => `${q.id}=${q.options[0]!.value}`).sort(),
    );
    expect(aliceMe.json.user.persona.id).toBe(aliceResult.json.persona.id);
    expect(bobMe.json.user.persona.id).toBe(bobResult.json.persona.id);
    expect(aliceMe.json.user.id).not.toBe(bobMe.json.user.id);
  }, 90_000);
});
