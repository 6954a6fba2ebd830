import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, eventually } from './harness/client';
import { dialects } from './harness/databases';
import { type Stack, startStack } from './harness/stack';

describe.each(dialects)('conversation titles on %s', (database) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ database, chatWorkers: 0 });
  });
  afterAll(() => stack?.stop());

  const listed = async (client: Awaited<ReturnType<ReturnType<typeof createClient>['guest']>>) =>
    (await client.request('GET', '/api/conversations')).json.conversations as {
      id: string;
      title: string | null;
      persona: { id: string; name: string; greeting: string };
    }[];

  it('keeps a title given at creation, trimmed, in the list at once and after it is stored', async () => {
    const alice = await createClient(stack.baseUrl).guest();
    const created = await alice.request('POST', '/api/conversations', {
      title: '  오늘   저녁\n메뉴 추천  ',
    });
    expect(created.status).toBe(201);
    expect(created.json.title).toBe('오늘 저녁 메뉴 추천');
    const id = created.json.id as string;
    expect((await listed(alice)).find((c) => c.id === id)?.title).toBe('오늘 저녁 메뉴 추천');

    const row = await eventually(
      () => stack.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst(),
      (r) => r !== undefined,
    );
    expect(row?.title).toBe('오늘 저녁 메뉴 추천');
    // Once stored, the list reads the database: the title is still there without the Redis copy.
    await stack.redis.del(`${stack.env.AIRA_PREFIX}:conversation:${id}`);
    expect((await listed(alice)).find((c) => c.id === id)?.title).toBe('오늘 저녁 메뉴 추천');
  });

  it('starts untitled without a body, or with a title of only white space', async () => {
    const bob = await createClient(stack.baseUrl).guest();
    const bare = await bob.request('POST', '/api/conversations');
    const blank = await bob.request('POST', '/api/conversations', { title: ' \n\t ' });
    const empty = await bob.request('POST', '/api/conversations', {});
    for (const res of [bare, blank, empty]) {
      expect(res.status).toBe(201);
      expect(res.json.title).toBeNull();
    }
    const list = await listed(bob);
    expect(list.map((c) => c.title)).toEqual([null, null, null]);
    // Each row carries its persona's greeting, so a conversation opens with it.
    expect(list[0]?.persona.greeting).toMatch(/\S/);
  });
});
