import { SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { writeEntryOf } from '../../shared/sqs/writes.producer';
import { OpError } from '../http/http.client';
import type { FloodTarget } from './flood.target';
import { buildWriteMessage } from './payloads';

/** The one SQS call the target makes; an `SQSClient` fits, tests pass a fake. */
export interface SqsSender {
  send(command: SendMessageBatchCommand): Promise<Pick<SendMessageBatchCommandOutput, 'Failed'>>;
  destroy?(): void;
}

export interface SqsTargetOptions {
  readonly client: SqsSender;
  /** URL of the FIFO queue (`….fifo`). */
  readonly queueUrl: string;
}

// SendMessageBatch takes at most 10 entries.
const SQS_BATCH_MAX = 10;

/** Sends write messages to the FIFO queue with the group and deduplication ids the catalog gives them. */
export function createSqsTarget(options: SqsTargetOptions): FloodTarget {
  const sendBatch = async (size: number) => {
    const Entries = Array.from({ length: size }, (_, i) => ({
      Id: String(i),
      ...writeEntryOf(buildWriteMessage()),
    }));
    const out = await options.client.send(
      new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries }),
    );
    const failed = out.Failed?.length ?? 0;
    if (failed > 0)
      throw new OpError('sqs_rejected', `${failed} of ${size} messages rejected: ${out.Failed?.[0]?.Code}`);
  };
  return {
    label: options.queueUrl,
    // SQS does not say who polls a queue.
    consumers: async () => null,
    async send(n) {
      const batches: Promise<void>[] = [];
      for (let left = n; left > 0; left -= SQS_BATCH_MAX)
        batches.push(sendBatch(Math.min(left, SQS_BATCH_MAX)));
      await Promise.all(batches);
    },
    async close() {
      options.client.destroy?.();
    },
  };
}
