import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDlqOps } from '../scripts/dlq/dlq.ops';
import { dialectOf } from '../shared/db/database';
import { createSqs } from '../shared/sqs/sqs.client';
import { eventually } from './harness/client';
import { dialects } from './harness/databases';
import { spawnEntry } from './harness/processes';
import { type Stack, startStack } from './harness/stack';

const turn = (userId: string, conversationId: string, content: string) => ({
  v: 1,
  kind: 'chat.turn',
  userId,
  conversationId,
  replyId: randomUUID(),
  user: { id: randomUUID(), content, at: Date.now() },
  assistant: { content: 'ok', status: 'complete', finishReason: 'stop', usage: null, at: Date.now() + 1 },
});

describe.each(dialects)('dead letters on %s', (database) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ database, chatWorkers: 0 });
  });
  afterAll(() => stack?.stop());

  it('moves a row the database rejects to the DLQ, writes the rest, and redrives it once fixed', async () => {
    // A trigger stands in for a row the database refuses for good.
    if (dialectOf(stack.db) === 'mysql') {
      await sql`CREATE TRIGGER reject_poison BEFORE INSERT ON messages FOR EACH ROW BEGIN IF NEW.content = 'REJECT-ME' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poison'; END IF; END`.execute(
        stack.db,
      );
    } else {
      await sql`CREATE TRIGGER reject_poison BEFORE INSERT ON messages WHEN NEW.content = 'REJECT-ME' BEGIN SELECT RAISE(ABORT, 'poison'); END`.execute(
        stack.db,
      );
    }
    const userId = randomUUID();
    const conversationId = randomUUID();
    const batch = [
      turn(userId, conversationId, 'fine 1'),
      turn(userId, conversationId, 'REJECT-ME'),
      turn(userId, conversationId, 'fine 2'),
    ];
    const sqs = createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queues.url,
        Entries: batch.map((m, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(m),
          MessageGroupId: userId,
          MessageDeduplicationId: randomUUID(),
        })),
      }),
    );
    const count = () =>
      stack.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute();
    await eventually(count, (r) => r.length === 4);

    // The operator command lists it (a run that finds nothing yet exits without the marker).
    const listed = await eventually(
      () =>
        spawnEntry('scripts/dlq.ts', { ...stack.env, SQS_ENDPOINT: stack.sqs.endpoint }, /group=/, 60_000, [
          'list',
        ]).catch(() => null),
      (cli) => cli !== null,
      30_000,
    );
    expect(listed!.output()).toMatch(/database rejected/);
    const ops = createDlqOps({ sqs, queues: stack.queues });
    await new Promise((r) => setTimeout(r, 6000)); // listed messages become visible again
    const letters = await ops.list();
    expect(letters).toHaveLength(1);
    expect(listed!.output()).toContain(letters[0]!.messageId);
    expect(JSON.parse(letters[0]!.body).replyId).toBe(batch[1]!.replyId);

    await sql`DROP TRIGGER reject_poison`.execute(stack.db);
    await new Promise((r) => setTimeout(r, 6000)); // the listed messages become visible again
    expect(await ops.redrive()).toBe(1);
    const rows = await eventually(count, (r) => r.length === 6);
    expect(
      rows
        .filter((r) => r.role === 'user')
        .map((r) => r.content)
        .sort(),
    ).toEqual(['REJECT-ME', 'fine 1', 'fine 2']);
    expect(await ops.list()).toEqual([]);
  }, 90_000);
});
