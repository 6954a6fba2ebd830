import { Redis } from 'ioredis';
import { type Client, createClient, eventually, replyText } from '../../harness/client';
import { chatQueueCounts, unfinished } from '../../harness/queue.counts';
import { startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts, sleep } from '../chaos.report';
import { startRedisServer } from '../redis.server';

interface Outcome {
  at: number;
  kind: 'message' | 'answer' | 'conversation' | 'me';
  status: number;
  retryAfter: string | null;
  code?: string;
  replyId?: string;
  user?: number;
}

const finals = new Set(['done', 'error', 'cancelled']);

/**
 * The stack's Redis (its own redis-server, `noeviction`) reaches maxmemory `rounds` times under
 * steady traffic: maxmemory is set below what it holds, so every write is refused with OOM, and
 * raised again after `outageMs`. Requests that need a write answer 503 with Retry-After, never
 * 500; every reply stream ends with `done` or an `error` event (none is left half-ended), its
 * reply hash agrees with its stream, and it is stored once; the gateway takes messages again
 * within 5 s of the memory being freed.
 */
export async function redisFull(rounds: number, outageMs: number): Promise<ChaosCounts> {
  const started = Date.now();
  const server = await startRedisServer();
  const stack = await startStack({
    env: { REDIS_URL: server.url, LOG_LEVEL: chaosLogLevel },
    llm: { ttftMs: 20, itlMs: 20, maxTokens: 40 },
  });
  const control = new Redis(server.url);
  try {
    const questions = (await createClient(stack.baseUrl).request('GET', '/api/survey')).json.questions as {
      id: string;
      options: { value: number }[];
    }[];
    const users: { client: Client; conversationId: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await createClient(stack.baseUrl).guest();
      users.push({ client, conversationId: await client.conversation() });
    }
    const outcomes: Outcome[] = [];
    const record = async (
      kind: Outcome['kind'],
      user: number,
      call: Promise<{
        status: number;
        headers: Headers;
        json?: { replyId?: string; error?: { code?: string } };
      }>,
    ) => {
      const res = await call.catch(() => ({ status: 0, headers: new Headers(), json: undefined }));
      outcomes.push({
        at: Date.now(),
        kind,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        code: res.json?.error?.code,
        replyId: kind === 'message' && res.status === 202 ? res.json?.replyId : undefined,
        user,
      });
    };
    let running = true;
    const traffic = users.map(async ({ client, conversationId }, i) => {
      for (let n = 0; running; n++) {
        await record(
          'message',
          i,
          client.request('POST', `/api/conversations/${conversationId}/messages`, {
            content: `user ${i} message ${n}`,
          }),
        );
        const question = questions[n % questions.length]!;
        await record(
          'answer',
          i,
          client.request('PUT', '/api/survey/answers', {
            answers: [{ questionId: question.id, value: question.options[0]!.value }],
          }),
        );
        if (n % 4 === 0) await record('conversation', i, client.request('POST', '/api/conversations'));
        await sleep(100);
      }
    });
    const probe = (async () => {
      while (running) {
        await record('me', 0, users[0]!.client.request('GET', '/api/me'));
        await sleep(100);
      }
    })();

    const windows: { full: number; freed: number; recoveredMs: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      await sleep(1500);
      const used = Number(/used_memory:(\d+)/.exec(await control.info('memory'))![1]);
      const full = Date.now();
      // Below what Redis holds: with noeviction every command that adds data is refused.
      await control.config('SET', 'maxmemory', String(Math.floor(used / 2)));
      await sleep(outageMs);
      await control.config('SET', 'maxmemory', '0');
      const freed = Date.now();
      const ok = await eventually(
        async () => outcomes.find((o) => o.kind === 'message' && o.at > freed && o.status === 202),
        (o) => o !== undefined,
        30_000,
      );
      windows.push({ full, freed, recoveredMs: ok!.at - freed });
    }
    await sleep(1500);
    running = false;
    await Promise.all([...traffic, probe]);

    // Answers strictly inside a window (a little after maxmemory was lowered, before it was raised).
    const inWindow = (o: Outcome) => windows.some((w) => o.at > w.full + 300 && o.at < w.freed);
    const writes = outcomes.filter((o) => o.kind !== 'me' && inWindow(o));
    const accepted = outcomes.filter((o) => o.replyId);
    let done = 0;
    let errored = 0;
    let notEnded = 0;
    let doubleFinals = 0;
    let hashConsistent = 0;
    const texts = new Map<string, { text: string; final: string }>();
    // Every reply at once: one left half-ended costs the wait once, not once per reply.
    const streams = await Promise.all(
      accepted.map(({ replyId, user }) =>
        Promise.race([
          users[user!]!.client.stream(replyId!),
          sleep(30_000).then(() => ({ events: [] })),
        ]).catch(() => ({ events: [] })),
      ),
    );
    for (const [i, { replyId }] of accepted.entries()) {
      const { events } = streams[i]!;
      const final = events.at(-1);
      if (final?.event === 'done') done += 1;
      else if (final?.event === 'error' && JSON.parse(final.data).code) errored += 1;
      else notEnded += 1;
      texts.set(replyId!, { text: replyText(events), final: final?.event ?? '' });
      const entries = (await stack.redis.xrange(
        `${stack.env.AIRA_PREFIX}:reply:${replyId}:events`,
        '-',
        '+',
      )) as [string, string[]][];
      const finalEntries = entries.filter(([, f]) => finals.has(f[1] ?? ''));
      if (finalEntries.length > 1) doubleFinals += 1;
      const hash = await stack.redis.hgetall(`${stack.env.AIRA_PREFIX}:reply:${replyId}`);
      const expected = { done: 'complete', error: 'failed', cancelled: 'cancelled' }[final?.event ?? ''];
      if (
        hash.endedAt &&
        hash.status === expected &&
        finalEntries.length === 1 &&
        hash.finalId === finalEntries[0]![0]
      ) {
        hashConsistent += 1;
      } else if (process.env.CHAOS_DEBUG) {
        console.log(
          'inconsistent',
          replyId,
          hash,
          entries.map(([id, f]) => [id, f[1]]),
          final,
        );
      }
    }
    const ids = accepted.map((o) => o.replyId!);
    const storedRows = () =>
      stack.db
        .selectFrom('messages')
        .select(['reply_id', 'status', 'content'])
        .where('role', '=', 'assistant')
        .where('reply_id', 'in', ids.length ? ids : ['none'])
        .execute();
    const rows = await eventually(storedRows, (r) => r.length >= ids.length, 30_000).catch(storedRows);
    const stored = new Map<string, number>();
    let storedAsStreamed = 0;
    for (const row of rows) {
      stored.set(row.reply_id, (stored.get(row.reply_id) ?? 0) + 1);
      const seen = texts.get(row.reply_id);
      const status = { done: 'complete', error: 'failed' }[seen?.final ?? ''];
      if (row.status === status && row.content === seen?.text) storedAsStreamed += 1;
    }
    // A job whose completion Redis refused is left active until its lock lapses and it is taken up again.
    const jobsLeft = async () => unfinished(await chatQueueCounts(stack));
    const unfinishedJobs = await eventually(jobsLeft, (n) => n === 0, 30_000).catch(jobsLeft);
    const reads = outcomes.filter((o) => o.kind === 'me' && inWindow(o));
    const result = {
      rounds,
      outageMs,
      requests: outcomes.length,
      writesWhileFull: writes.length,
      full503: writes.filter((o) => o.status === 503).length,
      full503WithRetryAfter: writes.filter(
        (o) => o.status === 503 && o.retryAfter && o.code === 'unavailable',
      ).length,
      otherWhileFull: writes.filter((o) => o.status !== 503).length,
      readsWhileFull: reads.length,
      readsWhileFullOk: reads.filter((o) => o.status === 200).length,
      server500s: outcomes.filter((o) => o.status >= 500 && o.status !== 503).length,
      maxRecoveryMs: Math.max(...windows.map((w) => w.recoveredMs)),
      accepted: accepted.length,
      endedDone: done,
      endedError: errored,
      notEnded,
      doubleFinals,
      hashConsistent,
      storedOnce: ids.filter((id) => stored.get(id) === 1).length,
      storedAsStreamed,
      unfinishedJobs,
    };
    printCounts('Redis at maxmemory', result, started);
    return result;
  } finally {
    await control.config('SET', 'maxmemory', '0').catch(() => undefined);
    control.disconnect();
    await stack.stop();
    await server.destroy();
  }
}
