import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { context, propagation } from '@opentelemetry/api';
import { assertWriteMessage } from '../jobs/catalog';
import type { WriteMessage } from '../jobs/writes.messages';

/**
 * The FIFO deduplication id of a write: the same logical write always gets the same id, so a
 * producer that retries a send inside SQS's 5-minute window sends it once.
 */
export function dedupeIdOf(message: WriteMessage): string {
  switch (message.kind) {
    case 'user.created':
      return `user:${message.userId}`;
    case 'conversation.created':
      return `conversation:${message.conversationId}`;
    case 'chat.turn':
      return `turn:${message.replyId}`;
    case 'survey.answers':
      return `answers:${message.userId}:${message.surveyVersion}:${message.revision}`;
  }
}

/**
 * The SQS body of a write: its JSON, with U+FFFE and U+FFFF written as `\ufffe` / `\uffff`. SQS
 * accepts only characters XML allows (#x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD and beyond
 * #xFFFF); `JSON.stringify` already escapes control characters and lone surrogates, and these two
 * are the rest. `JSON.parse` reads the escapes back as the same characters.
 */
export function sqsBodyOf(message: WriteMessage): string {
  return JSON.stringify(message).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Trace context or other metadata carried beside the body (SQS message attributes). */
export type WriteAttributes = Record<string, string>;

export interface WritesProducer {
  send(message: WriteMessage, attributes?: WriteAttributes): Promise<void>;
  sendBatch(messages: WriteMessage[], attributes?: WriteAttributes): Promise<void>;
}

/** Sends durable writes to the FIFO `writes` queue, grouped by user so each user's writes stay in order. */
export function createWritesProducer(deps: { sqs: SQSClient; queueUrl: string }): WritesProducer {
  const toEntry = (message: WriteMessage, attributes?: WriteAttributes) => {
    assertWriteMessage(message);
    // Every write carries the sender's trace context (W3C traceparent/tracestate), so the writer's
    // batch span can link to the request or reply that caused it. Nothing is added with tracing off.
    const carried: WriteAttributes = {};
    propagation.inject(context.active(), carried);
    const entries = Object.entries({ ...carried, ...attributes });
    return {
      MessageBody: sqsBodyOf(message),
      MessageGroupId: message.userId,
      MessageDeduplicationId: dedupeIdOf(message),
      MessageAttributes: entries.length
        ? Object.fromEntries(entries.map(([k, v]) => [k, { DataType: 'String', StringValue: v }]))
        : undefined,
    };
  };
  return {
    async send(message, attributes) {
      await deps.sqs.send(
        new SendMessageCommand({ QueueUrl: deps.queueUrl, ...toEntry(message, attributes) }),
      );
    },
    async sendBatch(messages, attributes) {
      for (let i = 0; i < messages.length; i += 10) {
        const chunk = messages.slice(i, i + 10);
        const result = await deps.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: deps.queueUrl,
            Entries: chunk.map((m, j) => ({ Id: String(j), ...toEntry(m, attributes) })),
          }),
        );
        if (result.Failed?.length) {
          const first = result.Failed[0]!;
          throw new Error(`SQS rejected ${result.Failed.length} write(s): ${first.Code} ${first.Message}`);
        }
      }
    },
  };
}
