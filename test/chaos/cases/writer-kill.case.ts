import { randomUUID } from 'node:crypto';
import type { WriteOf } from '../../../shared/jobs/writes.messages';
import { createSqs } from '../../../shared/sqs/sqs.client';
import { createWritesProducer } from '../../../shared/sqs/writes.producer';
import { type Client, createClient } from '../../harness/client';
import { type ChildHandle, spawnEntry } from '../../harness/processes';
import { sqsCounts } from '../../harness/queue.counts';
import { type Stack, startStack } from '../../harness/stack';
import { type ChaosCounts, chaosLogLevel, printCounts, sleep } from '../chaos.report';
import { type FaultProxy, startFaultProxy } from '../fault.proxy';

const turn = (userId: string, conversationId: string, n: number): WriteOf<'chat.turn'> => ({
  v: 1,
  kind: 'chat.turn',
  userId,
  conversationId,
  replyId: randomUUID(),
  user: { id: randomUUID(), content: `message ${n}`, at: Date.now() },
  assistant: {
    content: `reply ${n}`,
    status: 'complete',
    finishReason: 'stop',
    usage: null,
    at: Date.now() + 1,
  },
});

/**
 * kill -9 of the writer worker in the middle of a batch, `rounds` times, while chat turns (as the
 * chat workers send them) and survey answers (through the gateway) flood the writes queue. The
 * database sits behind a proxy adding latency, so a batch's transaction is long enough to be cut.
 * Afterwards one writer drains the queue; every row sent is in the database exactly once.
 */
export async function writerKills(rounds: number): Promise<ChaosCounts> {
  const started = Date.now();
  let proxy: FaultProxy | undefined;
  const stack: Stack = await startStack({
    database: 'mysql',
    chatWorkers: 0,
    writerWorkers: 0,
    env: { LOG_LEVEL: chaosLogLevel },
    serviceDatabaseUrl: async (url) => {
      proxy = await startFaultProxy('127.0.0.1', Number(new URL(url).port || 3306));
      return proxy.url(url);
    },
  });
  const writers: ChildHandle[] = [];
  const spawnWriter = async () => {
    const writer = await spawnEntry(
      'workers/writer/main.ts',
      {
        ...stack.env,
        LOG_LEVEL: 'info',
        WORKER_ID: `writer-${stack.id}-${writers.length}`,
        // A killed writer's batch comes back after this long.
        WRITER_VISIBILITY_S: '5',
      },
      /writer worker ready/,
    );
    writers.push(writer);
    return writer;
  };
  try {
    proxy!.latencyMs = 15;
    const sqs = createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' });
    const producer = createWritesProducer({ sqs, queueUrl: stack.queues.url });
    const questions = (await createClient(stack.baseUrl).request('GET', '/api/survey')).json.questions as {
      id: string;
      options: { value: number }[];
    }[];
    const guests: { client: Client; answered: number }[] = [];
    for (let i = 0; i < 10; i++)
      guests.push({ client: await createClient(stack.baseUrl).guest(), answered: 0 });
    const chatUsers = Array.from({ length: 10 }, () => ({
      userId: randomUUID(),
      conversationId: randomUUID(),
    }));

    const sentTurns: string[] = [];
    const answers = new Map<string, number>();
    let answersRejected = 0;
    const messageRows = async () =>
      Number(
        (
          await stack.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    const counts = { rounds, killed: 0, killedHoldingBatch: 0 };
    let writer = await spawnWriter();
    for (let round = 0; round < rounds; round++) {
      const before = await messageRows();
      const turns = chatUsers.flatMap((u) =>
        Array.from({ length: 6 }, (_, i) => turn(u.userId, u.conversationId, round * 10 + i)),
      );
      // Each user's turns in one batch call keeps their FIFO group in order.
      await Promise.all(chatUsers.map((u) => producer.sendBatch(turns.filter((t) => t.userId === u.userId))));
      sentTurns.push(...turns.map((t) => t.replyId));
      await Promise.all(
        guests.map(async (guest) => {
          const question = questions[guest.answered % questions.length]!;
          const value = question.options[round % question.options.length]!.value;
          guest.answered += 1;
          const res = await guest.client.request('PUT', '/api/survey/answers', {
            answers: [{ questionId: question.id, value }],
          });
          if (res.status === 202) answers.set(`${guest.client.token}:${question.id}`, value);
          else answersRejected += 1;
        }),
      );
      // Kill once this writer is writing: rows are arriving and it holds a received batch.
      const deadline = Date.now() + 15_000;
      while ((await messageRows()) === before && Date.now() < deadline) await sleep(10);
      await sleep(Math.floor(Math.random() * 120));
      if ((await sqsCounts(stack)).inFlight > 0) counts.killedHoldingBatch += 1;
      writer.kill('SIGKILL');
      if ((await writer.exited) === 'SIGKILL') counts.killed += 1;
      writer = await spawnWriter();
    }

    // The last writer drains what is left, including the batches the dead ones held.
    const drainDeadline = Date.now() + 90_000;
    while (Date.now() < drainDeadline) {
      const queue = await sqsCounts(stack);
      if (queue.total === 0 && (await messageRows()) >= sentTurns.length * 2) break;
      await sleep(250);
    }
    const rows = await stack.db.selectFrom('messages').select(['reply_id', 'role']).execute();
    const perReply = new Map<string, number>();
    for (const r of rows) perReply.set(r.reply_id, (perReply.get(r.reply_id) ?? 0) + 1);
    const userIds = new Map<string, string>();
    for (const g of guests) {
      const me = await g.client.request('GET', '/api/me');
      userIds.set(g.client.token!, me.json.user.id);
    }
    const stored = await stack.db
      .selectFrom('survey_answers')
      .select(['user_id', 'question_id', 'value'])
      .execute();
    const storedByKey = new Map(stored.map((a) => [`${a.user_id}:${a.question_id}`, a.value]));
    let answersMatching = 0;
    for (const [key, value] of answers) {
      const [token, questionId] = key.split(':');
      if (storedByKey.get(`${userIds.get(token!)}:${questionId}`) === value) answersMatching += 1;
    }
    const result = {
      ...counts,
      turnsSent: sentTurns.length,
      turnsStored: sentTurns.filter((id) => perReply.get(id) === 2).length,
      turnsLost: sentTurns.filter((id) => !perReply.has(id)).length,
      turnsDuplicated: sentTurns.filter((id) => (perReply.get(id) ?? 0) > 2).length,
      answersSent: answers.size,
      answersRejected,
      answersStored: answersMatching,
      answerRows: stored.length,
      leftInQueue: (await sqsCounts(stack)).total,
      deadLettered: (await sqsCounts(stack, 'dlq')).total,
    };
    sqs.destroy();
    printCounts('writer kill -9 mid-batch', result, started);
    return result;
  } finally {
    for (const writer of writers) writer.kill('SIGKILL');
    await Promise.all(writers.map((w) => w.exited));
    await stack.stop();
    await proxy?.close();
  }
}
