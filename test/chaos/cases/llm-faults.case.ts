import { type Client, createClient, eventually, replyText } from '../../harness/client';
import { chatQueueCounts, unfinished } from '../../harness/queue.counts';
import { startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts } from '../chaos.report';

/**
 * The LLM answering 429 and 500 and cutting streams half-way, each on a fifth of its requests.
 * Every reply is retried with backoff (3 attempts, 0.5 s then 1 s apart), and ends: `done` with
 * the text the database stores, or after the last attempt a clear `error` event. Nothing is left
 * in the queue. One reply against an LLM that always fails shows the backoff and the attempt count.
 */
export async function llmFaults(replies: number): Promise<ChaosCounts> {
  const started = Date.now();
  const stack = await startStack({
    env: { LOG_LEVEL: chaosLogLevel },
    llm: { ttftMs: 10, itlMs: 5, maxTokens: 40, rate429: 0.2, rate500: 0.2, rateCut: 0.2, seed: 7 },
  });
  try {
    const users: Client[] = [];
    for (let i = 0; i < 4; i++) users.push(await createClient(stack.baseUrl).guest());
    const runs = await Promise.all(
      Array.from({ length: replies }, async (_, i) => {
        const user = users[i % users.length]!;
        const conversationId = await user.conversation();
        const { replyId } = await user.send(conversationId, `Question ${i}: what makes a good morning?`);
        const { events } = await user.stream(replyId);
        return { replyId, events };
      }),
    );
    const ended = (type: string) => runs.filter((r) => r.events.at(-1)?.event === type);
    const done = ended('done');
    const failed = ended('error');
    const clearErrors = failed.filter((r) => {
      const data = JSON.parse(r.events.at(-1)!.data) as { code?: unknown; message?: unknown };
      return data.code === 'llm_failed' && typeof data.message === 'string' && data.message.length > 0;
    });
    const rows = await eventually(
      () =>
        stack.db
          .selectFrom('messages')
          .select(['reply_id', 'status', 'content'])
          .where('role', '=', 'assistant')
          .execute(),
      (r) => r.length >= replies,
      60_000,
    ).catch(() => []);
    const byReply = new Map(rows.map((r) => [r.reply_id, r]));
    const stats = stack.llm.stats();

    // Always failing: three attempts, the last one after both backoff delays.
    stack.llm.setConfig({ rate429: 0, rate500: 1, rateCut: 0 });
    const requestsBefore = stack.llm.stats().requests;
    const user = users[0]!;
    const sentAt = Date.now();
    const { replyId } = await user.send(await user.conversation(), 'This one cannot be answered');
    const { events } = await user.stream(replyId);
    const allFailMs = Date.now() - sentAt;
    const allFailAttempts = stack.llm.stats().requests - requestsBefore;

    const queue = await eventually(
      () => chatQueueCounts(stack),
      (q) => unfinished(q) === 0,
      15_000,
    ).catch(() => chatQueueCounts(stack));
    const result = {
      replies,
      llmRequests: stats.requests,
      injected429: stats.faults.http429,
      injected500: stats.faults.http500,
      injectedCuts: stats.faults.cut,
      endedDone: done.length,
      endedError: failed.length,
      clearErrors: clearErrors.length,
      notEnded: replies - done.length - failed.length,
      doneStoredAsStreamed: done.filter((r) => {
        const row = byReply.get(r.replyId);
        return row?.status === 'complete' && row.content === replyText(r.events);
      }).length,
      errorStoredAsFailed: failed.filter((r) => byReply.get(r.replyId)?.status === 'failed').length,
      allFailAttempts,
      allFailMs,
      allFailEndedError: events.at(-1)?.event === 'error' ? 1 : 0,
      unfinishedJobs: unfinished(queue),
    };
    printCounts('LLM 429 / 500 / cut streams', result, started);
    return result;
  } finally {
    await stack.stop();
  }
}
