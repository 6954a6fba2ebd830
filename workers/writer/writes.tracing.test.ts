import { randomUUID } from 'node:crypto';
import type { Message, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../shared/jobs/formats';
import { createWritesProducer } from '../../shared/sqs/writes.producer';
import { installTestTracing } from '../../shared/telemetry/tracing.testing';
import { inSpan, linksOf, traceBatches } from './writes.tracing';

/** An SQS client that keeps what it is asked to send and hands it back as received messages. */
function fakeSqs() {
  const sent: Message[] = [];
  const sqs = {
    async send(command: SendMessageBatchCommand) {
      for (const entry of command.input.Entries ?? []) {
        sent.push({
          MessageId: randomUUID(),
          Body: entry.MessageBody,
          MessageAttributes: entry.MessageAttributes,
        });
      }
      return {};
    },
  } as unknown as SQSClient;
  return { sqs, sent };
}

const userCreated = () => ({
  v: 1 as const,
  kind: 'user.created' as const,
  userId: randomUUID(),
  displayName: 'Guest',
  at: Date.now(),
});

describe('trace context across the writes queue', () => {
  let tracing: ReturnType<typeof installTestTracing>;
  beforeAll(() => {
    tracing = installTestTracing();
  });
  afterAll(() => tracing.uninstall());

  it('sends the sender trace context and links the writer batch span to every sender', async () => {
    const { sqs, sent } = fakeSqs();
    const writes = createWritesProducer({ sqs, queueUrl: 'http://sqs.local/q.fifo' });
    const tracer = trace.getTracer('test');
    const senders = await Promise.all(
      [1, 2].map(() =>
        tracer.startActiveSpan('request', async (span) => {
          await writes.send(userCreated());
          span.end();
          return span.spanContext();
        }),
      ),
    );
    await writes.send(userCreated()); // outside any trace: no attributes, no link
    expect(sent[0]!.MessageAttributes?.traceparent?.StringValue).toContain(senders[0]!.traceId);
    expect(sent[2]!.MessageAttributes).toBeUndefined();
    expect(linksOf(sent).map((l) => l.context.traceId)).toEqual(senders.map((s) => s.traceId));

    const handle = traceBatches('q.fifo', (messages) =>
      inSpan('writer.transaction', {}, async () => messages.slice(0, 2)),
    );
    expect(await handle(sent)).toHaveLength(2);

    const spans = tracing.spans();
    const batch = spans.find((s) => s.name === 'writer.batch')!;
    expect(batch.kind).toBe(SpanKind.CONSUMER);
    expect(batch.parentSpanContext).toBeUndefined();
    expect(batch.links.map((l) => l.context.traceId)).toEqual(senders.map((s) => s.traceId));
    expect(batch.attributes['messaging.batch.message_count']).toBe(3);
    const transaction = spans.find((s) => s.name === 'writer.transaction')!;
    expect(transaction.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
  });

  it('keeps the caller attributes beside the trace context', async () => {
    const { sqs, sent } = fakeSqs();
    const writes = createWritesProducer({ sqs, queueUrl: 'http://sqs.local/q.fifo' });
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await writes.send(userCreated(), { 'aira-source': 'test' });
      span.end();
    });
    const attributes = sent[0]!.MessageAttributes!;
    expect(attributes['aira-source']?.StringValue).toBe('test');
    expect(attributes.traceparent?.DataType).toBe('String');
  });
});
