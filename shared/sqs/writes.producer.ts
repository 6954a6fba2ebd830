import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { context, propagation } from '@opentelemetry/api';
import { assertPayload, catalog } from '../jobs/catalog';
import type { WriteMessage } from '../jobs/writes.messages';

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

type Entry = NonNullable<SendMessageBatchCommand['input']['Entries']>[number];

/**
 * A write as one SendMessageBatch entry (the caller numbers it): checked against the catalog's
 * schema, with the catalog's group and deduplication ids.
 */
export function writeEntryOf(
  message: WriteMessage,
  attributes?: WriteAttributes,
): Omit<Entry, 'Id'> & { MessageGroupId: string } {
  assertPayload('writes', message);
  // Every write carries the sender's trace context (W3C traceparent/tracestate), so the writer's
  // batch span can link to the request or reply that caused it. Nothing is added with tracing off.
  const carried: WriteAttributes = {};
  propagation.inject(context.active(), carried);
  const entries = Object.entries({ ...carried, ...attributes });
  return {
    MessageBody: sqsBodyOf(message),
    MessageGroupId: catalog.writes.groupKey(message),
    MessageDeduplicationId: catalog.writes.dedupeKey(message),
    MessageAttributes: entries.length
      ? Object.fromEntries(entries.map(([k, v]) => [k, { DataType: 'String', StringValue: v }]))
      : undefined,
  };
}

interface Pending {
  entry: Omit<Entry, 'Id'>;
  group: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Sends durable writes to the FIFO `writes` queue, grouped by user so each user's writes stay in
 * order. Writes sent at about the same time travel together: whatever is waiting goes out in one
 * SendMessageBatch (up to ten) as soon as the event loop turns, a few batches at a time, so a burst
 * costs a tenth of the calls and one write alone waits for nothing. A batch never holds a write of
 * a user whose earlier write is still on its way, so each group keeps its order. Each send resolves
 * once SQS has its write, or rejects with the reason SQS gave for that one.
 */
export function createWritesProducer(deps: {
  sqs: SQSClient;
  queueUrl: string;
  /** Batches on their way at once. */
  maxInFlight?: number;
}): WritesProducer {
  const maxInFlight = deps.maxInFlight ?? 4;
  const waiting: Pending[] = [];
  const groupsInFlight = new Map<string, number>();
  let inFlight = 0;
  let scheduled = false;

  /** The next batch: waiting writes in order, none of a group already on its way or skipped here. */
  const takeBatch = (): Pending[] => {
    const batch: Pending[] = [];
    const blocked = new Set<string>();
    for (let i = 0; i < waiting.length && batch.length < 10; ) {
      const p = waiting[i]!;
      if (groupsInFlight.has(p.group) || blocked.has(p.group)) {
        blocked.add(p.group);
        i++;
        continue;
      }
      // Two writes of one group may share a batch: SQS keeps their order within it.
      batch.push(p);
      waiting.splice(i, 1);
    }
    return batch;
  };

  const sendBatch = async (batch: Pending[]) => {
    for (const p of batch) groupsInFlight.set(p.group, (groupsInFlight.get(p.group) ?? 0) + 1);
    inFlight += 1;
    try {
      const result = await deps.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: deps.queueUrl,
          Entries: batch.map((p, i) => ({ Id: String(i), ...p.entry })),
        }),
      );
      const failed = new Map((result.Failed ?? []).map((f) => [f.Id, f]));
      batch.forEach((p, i) => {
        const failure = failed.get(String(i));
        if (failure) p.reject(new Error(`SQS rejected a write: ${failure.Code} ${failure.Message}`));
        else p.resolve();
      });
    } catch (error) {
      for (const p of batch) p.reject(error as Error);
    } finally {
      inFlight -= 1;
      for (const p of batch) {
        const left = (groupsInFlight.get(p.group) ?? 1) - 1;
        if (left > 0) groupsInFlight.set(p.group, left);
        else groupsInFlight.delete(p.group);
      }
      schedule();
    }
  };

  function flush() {
    scheduled = false;
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) break;
      void sendBatch(batch);
    }
  }

  function schedule() {
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  const enqueue = (message: WriteMessage, attributes?: WriteAttributes) =>
    new Promise<void>((resolve, reject) => {
      const entry = writeEntryOf(message, attributes);
      waiting.push({ entry, group: entry.MessageGroupId, resolve, reject });
      schedule();
    });

  return {
    send: (message, attributes) => enqueue(message, attributes),
    async sendBatch(messages, attributes) {
      await Promise.all(messages.map((m) => enqueue(m, attributes)));
    },
  };
}
