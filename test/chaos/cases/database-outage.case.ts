import { type Client, createClient, eventually } from '../../harness/client';
import { sqsCounts } from '../../harness/queue.counts';
import { type Stack, startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts, sleep } from '../chaos.report';
import { type FaultProxy, startFaultProxy } from '../fault.proxy';

/**
 * MariaDB unreachable for `outageMs` under steady traffic: first a partition (every byte held,
 * queries hang), then a cut (connections dropped, new ones refused). Guests, conversations, chat
 * turns and survey answers keep being accepted, since nothing on those paths needs the database;
 * their writes wait in SQS while the writer retries, land once the database is back, and none
 * reaches the dead-letter queue. Reads that need the database answer 503, never 500.
 */
export async function databaseOutage(outageMs: number): Promise<ChaosCounts> {
  const started = Date.now();
  let proxy: FaultProxy | undefined;
  const stack: Stack = await startStack({
    database: 'mysql',
    env: { LOG_LEVEL: chaosLogLevel },
    llm: { ttftMs: 20, itlMs: 10, maxTokens: 30 },
    serviceDatabaseUrl: async (url) => {
      proxy = await startFaultProxy('127.0.0.1', Number(new URL(url).port || 3306));
      return proxy.url(url);
    },
  });
  try {
    const questions = (await createClient(stack.baseUrl).request('GET', '/api/survey')).json.questions as {
      id: string;
      options: { value: number }[];
    }[];
    const count = async (table: 'messages' | 'survey_answers' | 'users' | 'conversations') =>
      Number(
        (
          await stack.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    const statuses: number[] = [];
    const accepted = { guests: 0, conversations: 0, turns: 0, answers: 0 };
    const replies: string[] = [];
    const answered = new Map<string, number>();
    let running = true;
    const session = async (lane: number) => {
      for (let n = 0; running; n++) {
        let client: Client;
        try {
          client = await createClient(stack.baseUrl).guest();
        } catch {
          statuses.push(0);
          await sleep(200);
          continue;
        }
        accepted.guests += 1;
        const created = await client.request('POST', '/api/conversations');
        statuses.push(created.status);
        if (created.status !== 201) continue;
        accepted.conversations += 1;
        const question = questions[(lane + n) % questions.length]!;
        const put = await client.request('PUT', '/api/survey/answers', {
          answers: [{ questionId: question.id, value: question.options[0]!.value }],
        });
        statuses.push(put.status);
        if (put.status === 202) {
          accepted.answers += 1;
          answered.set(client.token!, question.options[0]!.value);
        }
        const sent = await client.request('POST', `/api/conversations/${created.json.id}/messages`, {
          content: `lane ${lane} turn ${n}`,
        });
        statuses.push(sent.status);
        if (sent.status === 202) {
          accepted.turns += 1;
          replies.push(sent.json.replyId);
          await client.stream(sent.json.replyId);
        }
        statuses.push((await client.request('GET', `/api/conversations/${created.json.id}/messages`)).status);
      }
    };
    const lanes = Array.from({ length: 3 }, (_, i) => session(i));

    await sleep(1000);
    proxy!.pause();
    // A commit already on its way when the partition began may still land; count from after it.
    await sleep(300);
    const rowsBefore = await count('messages');
    let queuedMax = 0;
    let rowsMax = rowsBefore;
    const watch = async (until: number) => {
      while (Date.now() < until) {
        queuedMax = Math.max(queuedMax, (await sqsCounts(stack)).total);
        rowsMax = Math.max(rowsMax, await count('messages'));
        await sleep(250);
      }
    };
    await watch(Date.now() + outageMs / 3 - 300);
    proxy!.cut();
    await watch(Date.now() + (outageMs * 2) / 3);
    proxy!.heal();
    const healedAt = Date.now();
    await sleep(1000);
    running = false;
    await Promise.all(lanes);

    await eventually(
      async () =>
        (await sqsCounts(stack)).total + Math.max(0, accepted.turns * 2 - (await count('messages'))),
      (left) => left === 0,
      90_000,
    ).catch(() => undefined);
    const drainedMs = Date.now() - healedAt;
    const messages = await stack.db
      .selectFrom('messages')
      .select(['reply_id'])
      .where('role', '=', 'assistant')
      .execute();
    const storedReplies = new Set(messages.map((m) => m.reply_id));
    const result = {
      outageMs,
      requests: statuses.length,
      status503: statuses.filter((s) => s === 503).length,
      server500s: statuses.filter((s) => s >= 500 && s !== 503).length,
      rowsWrittenDuringOutage: rowsMax - rowsBefore,
      maxWaitingInSqs: queuedMax,
      acceptedGuests: accepted.guests,
      storedUsers: await count('users'),
      acceptedConversations: accepted.conversations,
      storedConversations: await count('conversations'),
      acceptedTurns: accepted.turns,
      storedTurns: replies.filter((id) => storedReplies.has(id)).length,
      messageRows: await count('messages'),
      acceptedAnswers: accepted.answers,
      storedAnswers: await count('survey_answers'),
      drainedMs,
      leftInQueue: (await sqsCounts(stack)).total,
      deadLettered: (await sqsCounts(stack, 'dlq')).total,
    };
    printCounts(`database unreachable for ${outageMs / 1000} s`, result, started);
    return result;
  } finally {
    await stack.stop();
    await proxy?.close();
  }
}
