import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsTarget, type SqsSender } from './sqs.target';

function fakeSqs(failed: (entries: number) => number = () => 0) {
  const sent: SendMessageBatchCommand['input'][] = [];
  const client: SqsSender = {
    async send(command) {
      sent.push(command.input);
      const n = failed(command.input.Entries?.length ?? 0);
      return {
        Failed: Array.from({ length: n }, (_, i) => ({
          Id: String(i),
          Code: 'Throttled',
          SenderFault: false,
        })),
      };
    },
  };
  return { client, sent };
}

describe('createSqsTarget', () => {
  it('sends batches of at most 10 to the FIFO queue with a group id and a fresh dedup id each', async () => {
    const { client, sent } = fakeSqs();
    const target = createSqsTarget({ client, queueUrl: 'http://127.0.0.1:9324/q/aira-writes.fifo' });
    await target.send(23);
    expect(sent.map((b) => b.Entries?.length)).toEqual([10, 10, 3]);
    const entries = sent.flatMap((b) => b.Entries ?? []);
    expect(sent.every((b) => b.QueueUrl === 'http://127.0.0.1:9324/q/aira-writes.fifo')).toBe(true);
    expect(new Set(entries.map((e) => e.MessageDeduplicationId)).size).toBe(23);
    for (const e of entries) {
      const body = JSON.parse(e.MessageBody!);
      expect(e.MessageGroupId).toBe(body.userId);
    }
    // Ids are unique within each batch, as SendMessageBatch requires.
    for (const b of sent) expect(new Set(b.Entries!.map((e) => e.Id)).size).toBe(b.Entries!.length);
  });

  it('fails the send when SQS rejects part of a batch', async () => {
    const { client } = fakeSqs((n) => (n > 5 ? 1 : 0));
    const target = createSqsTarget({ client, queueUrl: 'http://127.0.0.1:9324/q/aira-writes.fifo' });
    await expect(target.send(10)).rejects.toMatchObject({ kind: 'sqs_rejected' });
    await expect(target.send(3)).resolves.toBeUndefined();
  });
});
