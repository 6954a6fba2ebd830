import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../../shared/redis/connection';
import { redisKeys } from '../../../shared/redis/keys';
import { appendEvent, type StoredEvent } from '../../../shared/replies/reply.events';
import { createLogger } from '../../../shared/telemetry/logger';
import { eventually } from '../../../test/harness/client';
import { type CatchUp, createStreamHub } from './stream.hub';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-hub-${randomUUID().slice(0, 8)}`;
const keys = redisKeys(prefix);
const log = createLogger('gateway', 'silent');
const redis = createRedis(url, { name: `${prefix}:cmd` });
const subscriber = createRedis(url, { name: `${prefix}:sub`, enableReadyCheck: false, blocking: true });
const writer = createRedis(url, { name: `${prefix}:writer` });
const hub = createStreamHub({ subscriber, redis, keys, log });

afterAll(async () => {
  await hub.close();
  const found = await redis.keys(`${prefix}:*`);
  if (found.length) await redis.del(...found);
  for (const c of [redis, subscriber, writer]) c.disconnect();
});

const streamOf = (replyId: string) => ({ key: keys.replyEvents(replyId), channel: keys.replyLive(replyId) });
const token = (text: string) => ({ type: 'token' as const, data: { text } });
const texts = (events: StoredEvent[]) => events.map((e) => (JSON.parse(e.data) as { text: string }).text);

function follow(replyId: string, from = '0-0') {
  const seen: StoredEvent[] = [];
  let caughtUp: CatchUp | undefined;
  const stop = hub.subscribe(
    replyId,
    from,
    (events) => seen.push(...events),
    (state) => {
      caughtUp = state;
    },
  );
  return { seen, stop, caughtUp: () => caughtUp };
}

describe('stream hub', () => {
  it('gives a client joining mid-stream what it missed, then the live events, each once and in order', async () => {
    const replyId = randomUUID();
    for (const t of ['a', 'b', 'c']) await appendEvent(writer, streamOf(replyId), token(t));
    const client = follow(replyId);
    // Appends race with the catch-up read: none may be lost or doubled.
    const racing = ['d', 'e', 'f', 'g'].map((t) => appendEvent(writer, streamOf(replyId), token(t)));
    await Promise.all(racing);
    await eventually(
      async () => client.seen.length,
      (n) => n >= 7,
    );
    expect(texts(client.seen)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(client.caughtUp()).toEqual({ gone: false });
    client.stop();
  });

  it('resumes after a Last-Event-ID with only the later events', async () => {
    const replyId = randomUUID();
    const ids: string[] = [];
    for (const t of ['a', 'b', 'c']) ids.push(await appendEvent(writer, streamOf(replyId), token(t)));
    const client = follow(replyId, ids[1]);
    await appendEvent(writer, streamOf(replyId), token('d'));
    await eventually(
      async () => client.seen.length,
      (n) => n >= 2,
    );
    expect(texts(client.seen)).toEqual(['c', 'd']);
    client.stop();
  });

  it('says when the stream is not there, and still relays it once it begins', async () => {
    const replyId = randomUUID();
    const client = follow(replyId);
    await eventually(async () => client.caughtUp(), Boolean);
    expect(client.caughtUp()).toEqual({ gone: true });
    await appendEvent(writer, streamOf(replyId), token('late'));
    await eventually(
      async () => client.seen.length,
      (n) => n === 1,
    );
    expect(texts(client.seen)).toEqual(['late']);
    client.stop();
  });

  it('catches up on what was published while its connection was lost', async () => {
    const replyId = randomUUID();
    const client = follow(replyId);
    await appendEvent(writer, streamOf(replyId), token('before'));
    await eventually(
      async () => client.seen.length,
      (n) => n === 1,
    );
    // Drop the subscriber's connection; events published until it is back reach no one live.
    const list = String(await writer.client('LIST'));
    const id = new RegExp(`^id=(\\d+) .*name=${prefix}:sub `, 'm').exec(list)?.[1];
    expect(id).toBeDefined();
    await writer.client('KILL', 'ID', id!);
    for (const t of ['during-1', 'during-2']) await appendEvent(writer, streamOf(replyId), token(t));
    await eventually(
      async () => client.seen.length,
      (n) => n >= 3,
      10_000,
    );
    await appendEvent(writer, streamOf(replyId), token('after'));
    await eventually(
      async () => client.seen.length,
      (n) => n >= 4,
    );
    expect(texts(client.seen)).toEqual(['before', 'during-1', 'during-2', 'after']);
    client.stop();
  });

  it('stops relaying and leaves the channel when the last client goes', async () => {
    const replyId = randomUUID();
    const one = follow(replyId);
    const two = follow(replyId);
    await eventually(async () => one.caughtUp() && two.caughtUp(), Boolean);
    one.stop();
    await appendEvent(writer, streamOf(replyId), token('x'));
    await eventually(
      async () => two.seen.length,
      (n) => n === 1,
    );
    expect(one.seen).toEqual([]);
    two.stop();
    const numsub = async () =>
      Number(((await writer.pubsub('NUMSUB', keys.replyLive(replyId))) as unknown[])[1]);
    await eventually(numsub, (n) => n === 0);
    expect(hub.size).toBe(0);
  });
});
