import type { SseEvent } from '../../harness/client';
import { createClient, eventually } from '../../harness/client';
import { type ChildHandle, spawnEntry } from '../../harness/processes';
import { startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts, sleep } from '../chaos.report';
import { freePort } from '../redis.server';
import { resumingStream } from '../resuming.stream';
import { increasing } from './chat-worker-kill.case';

/**
 * A gateway stopped under open reply streams, `rounds` times: alternately killed (-9) and
 * restarted on the same port, and stopped gracefully with its clients moving to another gateway
 * instance on the same Redis. Every client resumes with Last-Event-ID and ends holding exactly
 * the events of the reply's stream: none missing, none twice.
 */
export async function gatewayRestarts(rounds: number, clientsPerRound: number): Promise<ChaosCounts> {
  const started = Date.now();
  const stack = await startStack({
    env: { LOG_LEVEL: chaosLogLevel },
    llm: { ttftMs: 20, itlMs: 60, maxTokens: 100 },
  });
  const port = await freePort();
  const spawnGateway = () =>
    spawnEntry(
      'services/gateway/main.ts',
      { ...stack.env, PORT: String(port), LOG_LEVEL: 'info' },
      /gateway ready/,
    );
  let gateway: ChildHandle = await spawnGateway();
  const children: ChildHandle[] = [gateway];
  const counts = {
    rounds,
    killed: 0,
    stoppedGracefully: 0,
    streams: 0,
    resumed: 0,
    endedDone: 0,
    exact: 0,
    missing: 0,
    duplicated: 0,
    outOfOrder: 0,
  };
  try {
    for (let round = 0; round < rounds; round++) {
      const kill = round % 2 === 0;
      let target = `http://127.0.0.1:${port}`;
      const clients = await Promise.all(
        Array.from({ length: clientsPerRound }, async () => {
          const client = await createClient(target).guest();
          const { replyId } = await client.send(await client.conversation(), 'Describe the sea at night');
          return { client, replyId };
        }),
      );
      const seen = new Map<string, SseEvent[]>();
      const reading = clients.map(({ client, replyId }) =>
        resumingStream(() => target, client.token!, replyId).then((r) => {
          seen.set(replyId, r.events);
          return r;
        }),
      );
      // Streams are open and part-way once every client has had a few tokens.
      await sleep(800);
      if (kill) {
        gateway.kill('SIGKILL');
        if ((await gateway.exited) === 'SIGKILL') counts.killed += 1;
        gateway = await spawnGateway();
        children.push(gateway);
      } else {
        target = stack.baseUrl;
        gateway.kill('SIGTERM');
        if ((await gateway.exited) === 0) counts.stoppedGracefully += 1;
        gateway = await spawnGateway();
        children.push(gateway);
      }
      const results = await Promise.all(reading);
      for (const [i, { events, connections }] of results.entries()) {
        counts.streams += 1;
        if (connections > 1) counts.resumed += 1;
        if (events.at(-1)?.event === 'done') counts.endedDone += 1;
        if (!increasing(events)) counts.outOfOrder += 1;
        const key = `${stack.env.AIRA_PREFIX}:reply:${clients[i]!.replyId}:events`;
        const stored = ((await stack.redis.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id);
        const got = events.map((e) => e.id);
        if (got.join() === stored.join()) counts.exact += 1;
        counts.missing += stored.filter((id) => !got.includes(id)).length;
        counts.duplicated += got.length - new Set(got).size;
      }
    }
    const replies = await eventually(
      () => stack.db.selectFrom('messages').select('id').where('role', '=', 'assistant').execute(),
      (rows) => rows.length >= counts.streams,
      30_000,
    ).catch(() => []);
    const result = { ...counts, stored: replies.length };
    printCounts('gateway restart under open streams', result, started);
    return result;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await stack.stop();
  }
}
