import { Redis } from 'ioredis';
import { createClient } from '../test/harness/client';
import { inBatches } from './bench.pool';
import { writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

/** Bytes Redis holds under a prefix (MEMORY USAGE of every key), by kind of key. */
async function holdings(redis: Redis, prefix: string): Promise<Map<string, { keys: number; bytes: number }>> {
  const kinds = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key);
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const kind = key
        .slice(prefix.length + 1)
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
        .replace(/^session:.*/, 'session:<hash>')
        .replace(/^chat:<id>.*/, 'chat:<job>');
      const entry = kinds.get(kind) ?? { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += Number(sizes[i]?.[1] ?? 0);
      kinds.set(kind, entry);
    });
  } while (cursor !== '0');
  return kinds;
}

/**
 * What Redis keeps per finished reply once its turn is stored: G guests each hold a conversation of
 * M messages; once every turn is in the database, the reply streams have lingered out and BullMQ
 * has let go of the finished jobs, every key of the stack is weighed and divided by the replies.
 */
export async function redisMemoryBench(opts: { guests?: number; messages?: number } = {}) {
  const guests = opts.guests ?? 100;
  const messages = opts.messages ?? 10;
  const linger = 10;
  const stack = await startBenchStack({ REPLY_STREAM_STORED_TTL_S: String(linger) });
  const redis = new Redis(stack.redisUrl);
  try {
    const api = createClient(stack.baseUrl);
    const users = await inBatches(Array.from({ length: guests }), 25, async () => {
      const user = await api.guest();
      return { user, conversationId: await user.conversation() };
    });
    let replies = 0;
    const chat = async () => {
      await Promise.all(
        users.map(async ({ user, conversationId }) => {
          const { replyId } = await user.send(conversationId, 'Tell me something about the weather today');
          const { events } = await user.stream(replyId);
          if (events.at(-1)?.event !== 'done') throw new Error(`reply ended with ${events.at(-1)?.event}`);
          replies += 1;
        }),
      );
    };
    for (let i = 1; i <= messages; i++) {
      await chat();
      process.stderr.write(`redis-memory: round ${i}/${messages}, ${replies} replies\n`);
    }
    const pending = async () => {
      let n = 0;
      for (const { conversationId } of users)
        n += await redis.hlen(`${stack.prefix}:conversation:${conversationId}:pending`);
      return n;
    };
    while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 500));
    // BullMQ lets go of finished jobs a minute after they finish, as the next ones finish.
    process.stderr.write('redis-memory: every turn stored; waiting 70 s for the lingering copies to go\n');
    await new Promise((r) => setTimeout(r, 70_000));
    const last = users[0]!;
    await last.user.stream((await last.user.send(last.conversationId, 'One more')).replyId);
    replies += 1;
    while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, (linger + 2) * 1000));
    const kinds = await holdings(redis, stack.prefix);
    const total = [...kinds.values()].reduce((n, k) => n + k.bytes, 0);
    const perReply = total / replies;
    const rows = [...kinds]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(
        ([kind, k]) =>
          `| \`${kind}\` | ${k.keys} | ${(k.bytes / 1024).toFixed(1)} KiB | ${(k.bytes / replies).toFixed(0)} B |`,
      );
    const body = [
      `${guests} guests each chat ${messages} messages in a conversation of their own (${replies} replies from the simulator's defaults, about 600 characters each), against \`npm start\` with a reply stream kept ${linger} s once its turn is stored (\`REPLY_STREAM_STORED_TTL_S\`; the default is 300 s). Once every turn is in the database, the streams have lingered out and BullMQ has let go of the finished jobs (a minute after they finish), every key under the stack's prefix is weighed with \`MEMORY USAGE\`.`,
      '',
      '| key | keys | bytes | per reply |',
      '|---|---|---|---|',
      ...rows,
      `| **all** | ${[...kinds.values()].reduce((n, k) => n + k.keys, 0)} | **${(total / 1024).toFixed(1)} KiB** | **${perReply.toFixed(0)} B** |`,
      '',
      `The recent turns (\`TURNS_MAX\` per conversation, for the prompt) and the reply's small record (owner, status, final event id; for a stream requested later) stay their TTL (\`TURNS_TTL_S\`, a day); sessions, users and conversations are per guest, not per reply; BullMQ's event stream is capped at a thousand events. Target: ≤ 2 KB per finished reply once its turn is stored — ${perReply <= 2048 ? 'met' : '**missed**'}.`,
    ].join('\n');
    console.log(body);
    writeSection('redis-memory', 'Redis memory per finished reply', 'npm run bench -- redis-memory', body);
    return { perReply };
  } finally {
    redis.disconnect();
    await stack.stop();
  }
}
