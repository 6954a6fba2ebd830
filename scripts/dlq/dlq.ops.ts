import {
  DeleteMessageBatchCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { WritesQueues } from '../../shared/sqs/sqs.client';

export interface DeadLetter {
  messageId: string;
  groupId: string;
  error: string;
  receives: number;
  body: string;
}

const toDeadLetter = (m: Message): DeadLetter => ({
  messageId: m.MessageId ?? '',
  groupId: m.Attributes?.MessageGroupId ?? '',
  error: m.MessageAttributes?.['aira-error']?.StringValue ?? '(moved after too many failed receives)',
  receives: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
  body: m.Body ?? '',
});

/**
 * Reads every message in the dead-letter queue. SQS has no peek, so messages are received with a
 * short visibility timeout and become visible again on their own; `keep` lets the caller act on them
 * (redrive, delete) before that.
 */
async function receiveAll(sqs: SQSClient, url: string, visibilitySeconds: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibilitySeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount'],
      }),
    );
    const fresh = Messages.filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) empty += 1;
    for (const m of fresh) seen.set(m.MessageId ?? '', m);
  }
  return [...seen.values()];
}

/** Operator actions on the writes dead-letter queue. */
export function createDlqOps(deps: { sqs: SQSClient; queues: WritesQueues }) {
  const { sqs, queues } = deps;
  return {
    async list(): Promise<DeadLetter[]> {
      return (await receiveAll(sqs, queues.dlqUrl, 5)).map(toDeadLetter);
    },
    /**
     * Sends dead letters back to the writes queue (same FIFO group, so each user's order holds) and
     * removes them from the dead-letter queue. `ids` limits it to those messages.
     */
    async redrive(ids?: string[]): Promise<number> {
      const messages = (await receiveAll(sqs, queues.dlqUrl, 60)).filter(
        (m) => !ids || ids.includes(m.MessageId ?? ''),
      );
      for (const m of messages) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queues.url,
            MessageBody: m.Body ?? '',
            MessageGroupId: m.Attributes?.MessageGroupId ?? 'redrive',
            MessageDeduplicationId: `redrive:${m.MessageId}:${Date.now()}`,
          }),
        );
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queues.dlqUrl,
            Entries: [{ Id: '0', ReceiptHandle: m.ReceiptHandle! }],
          }),
        );
      }
      return messages.length;
    },
    async purge(): Promise<void> {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queues.dlqUrl }));
    },
  };
}
