import { type Client, createClient, eventually, replyText } from '../../harness/client';
import { chatQueueCounts, unfinished } from '../../harness/queue.counts';
import { startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts, sleep } from '../chaos.report';
import { startRedisServer } from '../redis.server';

interface Outcome {
  at: number;
  status: number;
  retryAfter: string | null;
  replyId?: string;
  user?: number;
}

/**
 * The stack's Redis (its own redis-server, append-only file fsynced on every write) crashes and
 * comes back `restarts` times under steady chat traffic. While it is gone the gateway answers 503
 * with Retry-After, never 500; it serves again within 5 s of Redis's return; and every message it
 * accepted (202) ends as a complete reply, stored once.
 */
export async function redisRestarts(restarts: number, outageMs: number): Promise<ChaosCounts> {
  const started = Date.now();
  const redis = await startRedisServer();
  const stack = await startStack({
    env: { REDIS_URL: redis.url, LOG_LEVEL: chaosLogLevel },
    llm: { ttftMs: 20, itlMs: 20, maxTokens: 40 },
  });
  try {
    const users: { client: Client; conversationId: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await createClient(stack.baseUrl).guest();
      users.push({ client, conversationId: await client.conversation() });
    }
    const outcomes: Outcome[] = [];
    let running = true;
    const traffic = users.map(async ({ client, conversationId }, i) => {
      for (let n = 0; running; n++) {
        const res = await client
          .request('POST', `/api/conversations/${conversationId}/messages`, {
            content: `user ${i} message ${n}`,
          })
          .catch(() => ({ status: 0, headers: new Headers(), json: undefined }));
        outcomes.push({
          at: Date.now(),
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          replyId: res.status === 202 ? res.json.replyId : undefined,
          user: i,
        });
        await sleep(150);
      }
    });
    const probes: Outcome[] = [];
    const probe = (async () => {
      while (running) {
        const res = await users[0]!.client
          .request('GET', '/api/me')
          .catch(() => ({ status: 0, headers: new Headers() }));
        probes.push({ at: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after') });
        await sleep(100);
      }
    })();

    const outages: { down: number; up: number; recoveredMs: number }[] = [];
    for (let r = 0; r < restarts; r++) {
      await sleep(1500);
      const down = Date.now();
      await redis.kill('SIGKILL');
      await sleep(outageMs);
      await redis.start();
      const up = Date.now();
      const ok = await eventually(
        async () => probes.find((p) => p.at > up && p.status === 200),
        (p) => p !== undefined,
        30_000,
      );
      outages.push({ down, up, recoveredMs: ok!.at - up });
    }
    await sleep(1500);
    running = false;
    await Promise.all([...traffic, probe]);

    // Answers strictly inside an outage (a little after the kill, before the restart).
    const inOutage = (o: Outcome) => outages.some((w) => o.at > w.down + 300 && o.at < w.up);
    const during = [...outcomes, ...probes].filter(inOutage);
    const acceptedOutcomes = outcomes.filter((o) => o.replyId);
    const accepted = acceptedOutcomes.map((o) => o.replyId!);
    let streamsDone = 0;
    const texts = new Map<string, string>();
    for (const { replyId, user } of acceptedOutcomes) {
      const { events } = await Promise.race([
        users[user!]!.client.stream(replyId!),
        sleep(60_000).then(() => ({ events: [] })),
      ]).catch(() => ({ events: [] }));
      if (events.at(-1)?.event === 'done') streamsDone += 1;
      texts.set(replyId!, replyText(events));
    }
    const rows = await eventually(
      () =>
        stack.db
          .selectFrom('messages')
          .select(['reply_id', 'status', 'content'])
          .where('role', '=', 'assistant')
          .where('reply_id', 'in', accepted.length ? accepted : ['none'])
          .execute(),
      (r) => r.length >= accepted.length,
      60_000,
    ).catch(() => []);
    const stored = new Map<string, number>();
    let textMatches = 0;
    for (const row of rows) {
      stored.set(row.reply_id, (stored.get(row.reply_id) ?? 0) + 1);
      if (row.status === 'complete' && row.content === texts.get(row.reply_id)) textMatches += 1;
    }
    // A command resent after a reconnect must not leave a second final event or a turn twice.
    let doubleFinals = 0;
    for (const replyId of accepted) {
      const entries = (await stack.redis.xrange(
        `${stack.env.AIRA_PREFIX}:reply:${replyId}:events`,
        '-',
        '+',
      )) as [string, string[]][];
      if (entries.filter(([, f]) => ['done', 'cancelled', 'error'].includes(f[1] ?? '')).length > 1)
        doubleFinals += 1;
    }
    let duplicateTurns = 0;
    for (const { conversationId } of users) {
      const turns = await stack.redis.lrange(
        `${stack.env.AIRA_PREFIX}:conversation:${conversationId}:turns`,
        0,
        -1,
      );
      const ids = turns.map((t) => (JSON.parse(t) as { id: string }).id);
      duplicateTurns += ids.length - new Set(ids).size;
    }
    const queue = await chatQueueCounts(stack);
    const result = {
      restarts,
      outageMs,
      requests: outcomes.length + probes.length,
      duringOutage: during.length,
      outage503: during.filter((o) => o.status === 503).length,
      outage503WithRetryAfter: during.filter((o) => o.status === 503 && o.retryAfter).length,
      otherDuringOutage: during.filter((o) => o.status !== 503).length,
      server500s: [...outcomes, ...probes].filter((o) => o.status >= 500 && o.status !== 503).length,
      maxRecoveryMs: Math.max(...outages.map((o) => o.recoveredMs)),
      accepted: accepted.length,
      streamsDone,
      storedOnce: accepted.filter((id) => stored.get(id) === 1).length,
      streamMatchesStored: textMatches,
      doubleFinals,
      duplicateTurns,
      lost: accepted.filter((id) => !stored.has(id)).length,
      unfinishedJobs: unfinished(queue),
    };
    printCounts('Redis crash and restart', result, started);
    return result;
  } finally {
    await stack.stop();
    await redis.destroy();
  }
}
