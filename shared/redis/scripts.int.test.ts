import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { createRedis } from './connection';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'test:scripts' });
const prefix = `test-scripts-${randomUUID()}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const accept = (text: string, messageId: string, conversation: string) => {
  const replyId = randomUUID();
  const userTurn = JSON.stringify({ id: messageId, role: 'user', content: text, at: 1 });
  return redis.acceptMessage(
    `${prefix}:reply:${replyId}`,
    `${conversation}:pending`,
    `${conversation}:turns`,
    `${conversation}:turns:complete`,
    'user',
    'conversation',
    messageId,
    1,
    60,
    replyId,
    JSON.stringify({ replyId, user: { id: messageId, content: text, at: 1 } }),
    userTurn,
    20,
  );
};

it('records a turn once, whatever its text holds, lone surrogates and quoted ids included', async () => {
  const conversation = `${prefix}:conversation:${randomUUID()}`;
  const first = randomUUID();
  // JSON.stringify writes a lone surrogate as an escape Redis's cjson refuses to decode.
  expect(await accept(`broken \uD800 text "id":"${first}"`, randomUUID(), conversation)).toBe(1);
  expect(await accept('\uDFFF', first, conversation)).toBe(1);
  // The same message again (a resent command) is not pushed twice; a later one is.
  expect(await accept('\uDFFF', first, conversation)).toBe(1);
  expect(await accept('next', randomUUID(), conversation)).toBe(1);

  const turns = (await redis.lrange(`${conversation}:turns`, 0, -1)).map(
    (turn) => JSON.parse(turn) as { id: string; content: string },
  );
  expect(turns.map((turn) => turn.content)).toEqual([`broken \uD800 text "id":"${first}"`, '\uDFFF', 'next']);
  expect(turns.filter((turn) => turn.id === first)).toHaveLength(1);
});
