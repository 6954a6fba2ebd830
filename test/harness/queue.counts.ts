import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createSqs } from '../../shared/sqs/sqs.client';
import type { Stack } from './stack';

export interface ChatQueueCounts {
  wait: number;
  active: number;
  delayed: number;
  prioritized: number;
  paused: number;
  completed: number;
  failed: number;
}

/** Jobs of the BullMQ `chat` queue by state, read from its Redis keys. */
export async function chatQueueCounts(stack: Stack): Promise<ChatQueueCounts> {
  const key = (state: string) => `${stack.env.AIRA_PREFIX}:chat:${state}`;
  const [wait, active, delayed, prioritized, paused, completed, failed] = await Promise.all([
    stack.redis.llen(key('wait')),
    stack.redis.llen(key('active')),
    stack.redis.zcard(key('delayed')),
    stack.redis.zcard(key('prioritized')),
    stack.redis.llen(key('paused')),
    stack.redis.zcard(key('completed')),
    stack.redis.zcard(key('failed')),
  ]);
  return { wait, active, delayed, prioritized, paused, completed, failed };
}

/** Jobs not yet finished: waiting, running, or waiting for a retry. */
export const unfinished = (c: ChatQueueCounts) => c.wait + c.active + c.delayed + c.prioritized + c.paused;

/** Messages in an SQS queue: visible, in flight and delayed. */
export async function sqsCounts(stack: Stack, which: 'writes' | 'dlq' = 'writes') {
  const sqs = createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' });
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: which === 'writes' ? stack.queues.url : stack.queues.dlqUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
    return { visible, inFlight, delayed, total: visible + inFlight + delayed };
  } finally {
    sqs.destroy();
  }
}
