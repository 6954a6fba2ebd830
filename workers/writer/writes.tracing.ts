import type { Message } from '@aws-sdk/client-sqs';
import {
  type Attributes,
  isSpanContextValid,
  type Link,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';

type MessageAttributes = NonNullable<Message['MessageAttributes']>;

const attributeGetter: TextMapGetter<MessageAttributes> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key]?.StringValue,
};

/** A link to the trace each message was sent from (the producer put its context in the attributes). */
export function linksOf(messages: Message[]): Link[] {
  const links: Link[] = [];
  for (const message of messages) {
    const sent = propagation.extract(ROOT_CONTEXT, message.MessageAttributes ?? {}, attributeGetter);
    const context = trace.getSpanContext(sent);
    if (context && isSpanContextValid(context)) {
      links.push({ context, attributes: { 'messaging.message.id': message.MessageId ?? '' } });
    }
  }
  return links;
}

/**
 * Wraps the batch handler in one `writer.batch` span. A batch mixes messages from many requests,
 * so the span starts its own trace and links to each message's trace rather than picking one
 * parent; the database work inside is its child.
 */
export function traceBatches(
  queueName: string,
  handle: (messages: Message[]) => Promise<Message[]>,
): (messages: Message[]) => Promise<Message[]> {
  return (messages) =>
    trace.getTracer('aira').startActiveSpan(
      'writer.batch',
      {
        kind: SpanKind.CONSUMER,
        root: true,
        links: linksOf(messages),
        attributes: {
          'messaging.system': 'aws_sqs',
          'messaging.destination.name': queueName,
          'messaging.operation.type': 'process',
          'messaging.batch.message_count': messages.length,
        },
      },
      async (span) => {
        try {
          const done = await handle(messages);
          span.setAttribute('aira.writer.messages_done', done.length);
          return done;
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}

/** Runs `fn` in a child span of the current one (the batch's database transaction). */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer('aira').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
