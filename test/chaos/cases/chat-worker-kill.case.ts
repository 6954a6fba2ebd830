import type { SseEvent } from '../../harness/client';
import { createClient, eventually, replyText } from '../../harness/client';
import type { ChildHandle } from '../../harness/processes';
import { chatQueueCounts, unfinished } from '../../harness/queue.counts';
import { startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts } from '../chaos.report';

/** Ids strictly increasing: nothing sent twice, nothing out of order. */
export function increasing(events: SseEvent[]): boolean {
  const key = (id: string) => id.split('-').map((p) => BigInt(p));
  for (let i = 1; i < events.length; i++) {
    const [am, as] = key(events[i - 1]!.id);
    const [bm, bs] = key(events[i]!.id);
    if (!(bm! > am! || (bm === am && bs! > as!))) return false;
  }
  return true;
}

/**
 * kill -9 of the chat worker streaming a reply, `rounds` times in a row. Each round's reply is
 * taken over by the next worker once the dead one's lock expires; the client, still connected,
 * ends with one complete reply, and the database holds it once.
 */
export async function chatWorkerKills(rounds: number): Promise<ChaosCounts> {
  const started = Date.now();
  const stack = await startStack({
    chatWorkers: 0,
    env: { LOG_LEVEL: chaosLogLevel },
    llm: { ttftMs: 20, itlMs: 50, maxTokens: 80 },
  });
  try {
    const user = await createClient(stack.baseUrl).guest();
    const counts = {
      rounds,
      killed: 0,
      streamsDone: 0,
      outOfOrder: 0,
      persistedOnce: 0,
      lost: 0,
      duplicated: 0,
    };
    const replies: { conversationId: string; replyId: string; text: string }[] = [];
    let doomed: ChildHandle = await stack.spawnChatWorker();
    for (let round = 0; round < rounds; round++) {
      const conversationId = await user.conversation();
      const { replyId } = await user.send(conversationId, `Round ${round}: tell me about rivers in spring`);
      let next: Promise<ChildHandle> | undefined;
      let tokens = 0;
      const victim = doomed;
      const { events } = await user.stream(replyId, {
        onEvent: (e) => {
          if (e.event === 'token' && ++tokens === 3 && !next) {
            victim.kill('SIGKILL');
            next = stack.spawnChatWorker();
          }
        },
      });
      if (next && (await victim.exited) === 'SIGKILL') counts.killed += 1;
      doomed = await (next ?? Promise.resolve(victim));
      if (events.at(-1)?.event === 'done') counts.streamsDone += 1;
      if (!increasing(events)) counts.outOfOrder += 1;
      replies.push({ conversationId, replyId, text: replyText(events) });
    }
    const expected = replies.length * 2;
    const rows = await eventually(
      () =>
        stack.db
          .selectFrom('messages')
          .select(['reply_id', 'role', 'content', 'status'])
          .where(
            'conversation_id',
            'in',
            replies.map((r) => r.conversationId),
          )
          .execute(),
      (r) => r.length >= expected,
      60_000,
    ).catch(() => []);
    for (const reply of replies) {
      const assistant = rows.filter((r) => r.reply_id === reply.replyId && r.role === 'assistant');
      if (assistant.length === 0) counts.lost += 1;
      if (assistant.length > 1) counts.duplicated += 1;
      if (
        assistant.length === 1 &&
        assistant[0]!.status === 'complete' &&
        assistant[0]!.content === reply.text
      )
        counts.persistedOnce += 1;
    }
    const queue = await chatQueueCounts(stack);
    const result = { ...counts, unfinishedJobs: unfinished(queue) };
    printCounts('chat worker kill -9 mid-stream', result, started);
    return result;
  } finally {
    await stack.stop();
  }
}
