import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WritesProducer } from './writes.producer';

/**
 * A writes producer whose AWS SDK loads only when asked to (`load()`) or at the first write. The
 * SDK is a tenth of a second of a chat worker's start, and a chat worker needs it only when a reply
 * ends: it starts taking jobs first and loads the SDK just after.
 */
export function deferredWritesProducer(create: () => Promise<{ producer: WritesProducer; sqs: SQSClient }>) {
  let loading: Promise<{ producer: WritesProducer; sqs: SQSClient }> | undefined;
  const load = () => {
    loading ??= create();
    return loading;
  };
  const producer: WritesProducer = {
    send: async (message, attributes) => (await load()).producer.send(message, attributes),
    sendBatch: async (messages, attributes) => (await load()).producer.sendBatch(messages, attributes),
  };
  return {
    producer,
    load,
    /** Closes the SQS client if it was ever made. */
    async destroy() {
      if (loading) (await loading.catch(() => undefined))?.sqs.destroy();
    },
  };
}
