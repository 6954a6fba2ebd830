import { randomUUID } from 'node:crypto';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/database';
import type { WriteMessage } from '../../shared/jobs/writes.messages';
import { acceptedTurn, turnWrite } from '../../shared/replies/turn';
import { createSqs, resolveWritesQueues } from '../../shared/sqs/sqs.client';
import { startSqsEmulator } from '../../shared/sqs/sqs.emulator';
import { sqsBodyOf } from '../../shared/sqs/writes.producer';
import { createLogger } from '../../shared/telemetry/logger';
import { createRegistry } from '../../shared/telemetry/metrics';
import { dialects } from '../../test/harness/databases';
import { aChatJob } from '../../test/harness/jobs';
import { migratedDatabase, prefixedRedis } from '../../test/harness/medium';
import { createWriterMetrics } from './writer.metrics';
import { createWritesHandler } from './writes.handler';

// The writes handler on real parts: each database, Redis for the clean-up after a commit, and the
// SQS emulator over HTTP for its dead-letter queue.

const { prefix, keys, redis, cleanup } = prefixedRedis('writes');
const emulator = await startSqsEmulator();
const sqs = createSqs({ SQS_ENDPOINT: emulator.endpoint, AWS_REGION: 'us-east-1' });

afterAll(async () => {
  await cleanup();
  sqs.destroy();
  await emulator.close();
});

/** A message as SQS delivers it: its id, body and group. */
const delivered = (body: string, group: string): Message => ({
  MessageId: randomUUID(),
  Body: body,
  Attributes: { MessageGroupId: group },
});
const deliveredWrite = (write: WriteMessage) => delivered(sqsBodyOf(write), write.userId);

describe.each(dialects)('writes handler on %s', (dialect) => {
  let db: Db;
  let drop: () => Promise<void> = async () => {};
  let dlqUrl: string;
  let handle: ReturnType<typeof createWritesHandler>;

  beforeAll(async () => {
    ({ db, drop } = await migratedDatabase(dialect));
    const queues = await resolveWritesQueues(sqs, {
      SQS_ENDPOINT: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      SQS_WRITES_QUEUE_NAME: `${prefix}-${dialect}.fifo`,
    });
    dlqUrl = queues.dlqUrl;
    handle = createWritesHandler({
      db,
      redis,
      keys,
      sqs,
      dlqUrl,
      metrics: createWriterMetrics(createRegistry('writer-worker')),
      log: createLogger('writer-worker', 'silent'),
      dbRetryMs: 1000,
      stopping: () => false,
      storedStreamTtlSeconds: 5,
      answersTtlSeconds: 60,
    });
  });
  afterAll(() => drop());

  /** A user, their conversation and one finished turn, as the gateway and a chat worker send them. */
  const conversationWrites = () => {
    const userId = randomUUID();
    const conversationId = randomUUID();
    const job = aChatJob({ conversationId, userId, content: 'Hello 😀', enqueuedAt: 1000 });
    const end = {
      status: 'complete' as const,
      content: 'Hi!',
      finishReason: 'stop',
      usage: { promptTokens: 3, completionTokens: 2 },
    };
    const writes: WriteMessage[] = [
      { v: 1, kind: 'user.created', userId, displayName: 'Guest', at: 900 },
      { v: 1, kind: 'conversation.created', userId, conversationId, personaId: 'sage', title: null, at: 950 },
      turnWrite(job, end, 2000),
    ];
    return { job, writes };
  };

  const rowsOf = (conversationId: string) =>
    db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute();

  it('writes a batch in order of kind, once however often it is delivered, and clears the pending turn', async () => {
    const { job, writes } = conversationWrites();
    await redis.hset(keys.pendingTurns(job.conversationId), job.replyId, JSON.stringify(acceptedTurn(job)));
    // The turn arrives first in the batch; the user and the conversation are still written before it.
    const batch = [...writes].reverse().map(deliveredWrite);
    expect(await handle(batch)).toHaveLength(3);

    const rows = await rowsOf(job.conversationId);
    expect(rows.map((r) => [r.role, r.content, r.status]).sort()).toEqual([
      ['assistant', 'Hi!', 'complete'],
      ['user', 'Hello 😀', 'complete'],
    ]);
    expect(await db.selectFrom('users').select('id').where('id', '=', job.userId).execute()).toHaveLength(1);
    expect(await redis.hexists(keys.pendingTurns(job.conversationId), job.replyId)).toBe(0);

    // SQS delivers again (a lost delete): nothing is written twice.
    expect(await handle(writes.map(deliveredWrite))).toHaveLength(3);
    expect(await rowsOf(job.conversationId)).toHaveLength(2);
  });

  it('parks a poison message in the dead-letter queue and still writes the rest of its batch', async () => {
    const { job, writes } = conversationWrites();
    const poison = delivered(JSON.stringify({ v: 1, kind: 'chat.turn', userId: job.userId }), job.userId);
    const garbage = delivered('not json', job.userId);
    const done = await handle([poison, ...writes.map(deliveredWrite), garbage]);
    // Written or dead-lettered: SQS may delete all of them.
    expect(done).toHaveLength(5);
    expect(await rowsOf(job.conversationId)).toHaveLength(2);

    const parked = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    const bodies = (parked.Messages ?? []).map((m) => m.Body);
    expect(bodies).toEqual(expect.arrayContaining([poison.Body, garbage.Body]));
    const reasons = (parked.Messages ?? []).map((m) => m.MessageAttributes?.['aira-error']?.StringValue);
    expect(reasons.some((r) => r?.startsWith('invalid writes payload'))).toBe(true);
  });
});
