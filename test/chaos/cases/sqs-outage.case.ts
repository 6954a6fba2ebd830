import { type Client, createClient, eventually, replyText } from '../../harness/client';
import { chatQueueCounts, sqsCounts, unfinished } from '../../harness/queue.counts';
import { type Stack, startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts, sleep } from '../chaos.report';
import { type FaultProxy, startFaultProxy } from '../fault.proxy';

interface Answer {
  userId: string;
  questionId: string;
  value: number;
  status: number;
  retryAfter: string | null;
  at: number;
}

/**
 * The SQS endpoint unreachable for `outageMs` under steady traffic, for every service at once:
 * first a partition (requests hang), then a cut (connections refused). Survey answers sent
 * meanwhile are either accepted (202) and stored once SQS is back, or refused with 503 and
 * Retry-After; none is accepted and lost, and no survey result stays pending. Replies keep
 * streaming (nothing on that path needs SQS) and every finished turn is stored exactly once
 * afterwards; nothing reaches the dead-letter queue.
 */
export async function sqsOutage(outageMs: number): Promise<ChaosCounts> {
  const started = Date.now();
  let proxy: FaultProxy | undefined;
  const stack: Stack = await startStack({
    // A receive whose answer is lost in the cut leaves its messages in flight until this lapses.
    env: { LOG_LEVEL: chaosLogLevel, WRITER_VISIBILITY_S: '10' },
    llm: { ttftMs: 20, itlMs: 10, maxTokens: 30 },
    serviceSqsEndpoint: async (endpoint) => {
      const url = new URL(endpoint);
      proxy = await startFaultProxy(url.hostname, Number(url.port));
      return `http://127.0.0.1:${proxy.port}`;
    },
  });
  try {
    const questions = (await createClient(stack.baseUrl).request('GET', '/api/survey')).json.questions as {
      id: string;
      options: { value: number }[];
    }[];
    // Every user answers each question once, so an accepted answer has exactly one row to find.
    const newUser = async () => {
      const client = await createClient(stack.baseUrl).guest();
      const me = (await client.request('GET', '/api/me')).json.user.id as string;
      return { client, userId: me, conversationId: await client.conversation(), asked: 0 };
    };
    const lanes = 4;
    const users = await Promise.all(Array.from({ length: lanes * 6 }, newUser));

    const answers: Answer[] = [];
    const replies: { replyId: string; client: Client; text: string; final: string; at: number }[] = [];
    const statuses: number[] = [];
    let running = true;
    const lane = async (i: number) => {
      let u = i;
      for (let n = 0; running; n++) {
        let user = users[u]!;
        if (user.asked >= questions.length) {
          u += lanes;
          if (u >= users.length) break;
          user = users[u]!;
        }
        const question = questions[user.asked++]!;
        const value = question.options[n % question.options.length]!.value;
        const put = await user.client.request('PUT', '/api/survey/answers', {
          answers: [{ questionId: question.id, value }],
        });
        statuses.push(put.status);
        answers.push({
          userId: user.userId,
          questionId: question.id,
          value,
          status: put.status,
          retryAfter: put.headers.get('retry-after'),
          at: Date.now(),
        });
        const sent = await user.client.request('POST', `/api/conversations/${user.conversationId}/messages`, {
          content: `lane ${i} turn ${n}`,
        });
        statuses.push(sent.status);
        if (sent.status !== 202) continue;
        const { events } = await user.client.stream(sent.json.replyId);
        replies.push({
          replyId: sent.json.replyId,
          client: user.client,
          text: replyText(events),
          final: events.at(-1)?.event ?? '',
          at: Date.now(),
        });
      }
    };
    const traffic = Array.from({ length: lanes }, (_, i) => lane(i));

    await sleep(1000);
    const down = Date.now();
    proxy!.pause();
    await sleep(outageMs / 3);
    proxy!.cut();
    await sleep((outageMs * 2) / 3);
    proxy!.heal();
    const up = Date.now();
    await sleep(1000);
    running = false;
    await Promise.all(traffic);

    const acceptedAnswers = answers.filter((a) => a.status === 202);
    const refusedAnswers = answers.filter((a) => a.status === 503);
    await eventually(
      async () => {
        const rows = await stack.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        return (await sqsCounts(stack)).total + Math.max(0, replies.length * 2 - Number(rows.n));
      },
      (left) => left === 0,
      90_000,
    ).catch(() => undefined);
    const drainedMs = Date.now() - up;

    const stored = await stack.db
      .selectFrom('survey_answers')
      .select(['user_id', 'question_id', 'value'])
      .execute();
    const storedKey = new Map(stored.map((r) => [`${r.user_id}/${r.question_id}`, Number(r.value)]));
    const keyOf = (a: Answer) => `${a.userId}/${a.questionId}`;
    const rows = await stack.db
      .selectFrom('messages')
      .select(['reply_id', 'role', 'content', 'status'])
      .where('reply_id', 'in', replies.length ? replies.map((r) => r.replyId) : ['none'])
      .execute();
    const perReply = new Map<string, { user: number; assistant: number; content?: string }>();
    for (const row of rows) {
      const entry = perReply.get(row.reply_id) ?? { user: 0, assistant: 0 };
      if (row.role === 'assistant') {
        entry.assistant += 1;
        entry.content = row.content;
      } else entry.user += 1;
      perReply.set(row.reply_id, entry);
    }
    const finishedInOutage = replies.filter((r) => r.at > down && r.at < up);
    const storedOnce = (r: (typeof replies)[number]) => {
      const entry = perReply.get(r.replyId);
      return entry?.user === 1 && entry.assistant === 1 && entry.content === r.text;
    };
    let resultsPending = 0;
    for (const { client } of users) {
      if ((await client.request('GET', '/api/survey/result')).status === 202) resultsPending += 1;
    }
    const queue = await chatQueueCounts(stack);
    const result = {
      outageMs,
      requests: statuses.length,
      server500s: statuses.filter((s) => s >= 500 && s !== 503).length,
      answersSent: answers.length,
      answersAccepted: acceptedAnswers.length,
      acceptedStored: acceptedAnswers.filter((a) => storedKey.get(keyOf(a)) === a.value).length,
      answersRefused503: refusedAnswers.length,
      refusedWithRetryAfter: refusedAnswers.filter((a) => a.retryAfter).length,
      refusedStoredLater: refusedAnswers.filter((a) => storedKey.get(keyOf(a)) === a.value).length,
      answersOther: answers.length - acceptedAnswers.length - refusedAnswers.length,
      answerRows: stored.length,
      resultsPending,
      replies: replies.length,
      repliesDone: replies.filter((r) => r.final === 'done').length,
      finishedInOutage: finishedInOutage.length,
      finishedInOutageStoredOnce: finishedInOutage.filter(storedOnce).length,
      storedOnce: replies.filter(storedOnce).length,
      messageRows: rows.length,
      drainedMs,
      leftInQueue: (await sqsCounts(stack)).total,
      deadLettered: (await sqsCounts(stack, 'dlq')).total,
      unfinishedJobs: unfinished(queue),
    };
    printCounts(`SQS unreachable for ${outageMs / 1000} s`, result, started);
    return result;
  } finally {
    await stack.stop();
    await proxy?.close();
  }
}
