import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteOf } from '../shared/jobs/writes.messages';
import { createSqs } from '../shared/sqs/sqs.client';
import { createWritesProducer } from '../shared/sqs/writes.producer';
import { eventually } from './harness/client';
import { dialects } from './harness/databases';
import { type Stack, startStack } from './harness/stack';

const turn = (userId: string, conversationId: string): WriteOf<'chat.turn'> => ({
  v: 1,
  kind: 'chat.turn',
  userId,
  conversationId,
  replyId: randomUUID(),
  user: { id: randomUUID(), content: 'hello', at: Date.now() },
  assistant: {
    content: 'hi there',
    status: 'complete',
    finishReason: 'stop',
    usage: { promptTokens: 3, completionTokens: 2 },
    at: Date.now() + 1,
  },
});

describe.each(dialects)('durable writes on %s', (database) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ database, chatWorkers: 0 });
  });
  afterAll(() => stack?.stop());

  const send = (bodies: string[], group: string) =>
    createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' }).send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queues.url,
        Entries: bodies.map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: randomUUID(),
        })),
      }),
    );

  it('writes a redelivered turn once', async () => {
    const userId = randomUUID();
    const conversationId = randomUUID();
    const message = turn(userId, conversationId);
    // Three deliveries of the same write, as SQS may redeliver after the deduplication window.
    await send([JSON.stringify(message), JSON.stringify(message)], userId);
    await send([JSON.stringify(message)], userId);
    const rows = await eventually(
      () =>
        stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      (r) => r.length >= 2,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const again = await stack.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .execute();
    expect(again).toHaveLength(2);
    expect(rows.map((r) => r.role).sort()).toEqual(['assistant', 'user']);
  });

  it('stores text holding U+FFFE and U+FFFF exactly, through the escaped SQS body', async () => {
    const userId = randomUUID();
    const conversationId = randomUUID();
    const message = turn(userId, conversationId);
    message.user.content = 'a\uFFFEb\uFFFFc';
    message.assistant.content = '\uFFFF then \uFFFE';
    await createWritesProducer({
      sqs: createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' }),
      queueUrl: stack.queues.url,
    }).send(message);
    const rows = await eventually(
      () =>
        stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      (r) => r.length === 2,
    );
    expect(rows.find((r) => r.role === 'user')?.content).toBe(message.user.content);
    expect(rows.find((r) => r.role === 'assistant')?.content).toBe(message.assistant.content);
  });

  it('dead-letters poison messages without blocking the rest of the batch or the group', async () => {
    const userId = randomUUID();
    const conversationId = randomUUID();
    const good = [turn(userId, conversationId), turn(userId, conversationId)];
    const badSchema = { ...turn(userId, conversationId), kind: 'chat.turn', user: { id: 'nope' } };
    await send(
      [JSON.stringify(good[0]), '{not json', JSON.stringify(badSchema), JSON.stringify(good[1])],
      userId,
    );
    const rows = await eventually(
      () =>
        stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      (r) => r.length === 4,
    );
    expect(new Set(rows.map((r) => r.reply_id))).toEqual(new Set(good.map((g) => g.replyId)));
    const sqs = createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' });
    const dead = await eventually(
      async () =>
        (
          await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: stack.queues.dlqUrl,
              MaxNumberOfMessages: 10,
              MessageAttributeNames: ['All'],
              WaitTimeSeconds: 1,
            }),
          )
        ).Messages ?? [],
      (m) => m.length === 2,
    );
    expect(dead.map((m) => m.Body).sort()).toEqual([JSON.stringify(badSchema), '{not json'].sort());
    expect(dead.every((m) => m.MessageAttributes?.['aira-error']?.StringValue)).toBe(true);
  });
});
