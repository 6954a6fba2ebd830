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

/**
 * A write SQS has not taken yet because it cannot be reached: raised to a caller that waits at
 * most `waitMs`. The write itself stays queued in the producer (`kept`) and is sent once SQS
 * answers again, unless the producer was already holding `maxWaiting` writes (`kept: false`).
 */
export class WritesUnavailableError extends Error {
  override name = 'WritesUnavailableError';
  constructor(readonly kept: boolean) {
    super(
      kept
        ? 'SQS is unreachable; the write is kept and will be sent'
        : 'SQS is unreachable and too many writes are waiting',
    );
  }
}

/**
 * Whether a failed SendMessageBatch is worth sending again: no answer at all (a refused or cut
 * connection, a timeout), throttling or a server fault. A request SQS calls the sender's fault is not.
 */
export function isTransientSqsError(error: unknown): boolean {
  // Only errors from the SDK (which carry `$metadata`, network failures included); anything else
  // is a bug, not an outage.
  const e = error as { $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (!e || typeof e !== 'object' || !('$metadata' in e)) return false;
  if (e.$retryable || e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  return status === undefined || status === 429 || status >= 500;
}

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

/** Where the producer says that SQS went away and came back (a pino logger fits). */
export interface ProducerLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Sends durable writes to the FIFO `writes` queue, grouped by user so each user's writes stay in
 * order. Writes sent at about the same time travel together: whatever is waiting goes out in one
 * SendMessageBatch (up to ten) as soon as the event loop turns, a few batches at a time, so a burst
 * costs a tenth of the calls and one write alone waits for nothing. A batch never holds a write of
 * a user whose earlier write is still on its way, so each group keeps its order. Each send resolves
 * once SQS has its write, or rejects with the reason SQS gave for that one.
 *
 * While SQS cannot be reached (no answer, throttling, a server fault, after the SDK's own
 * retries) a batch goes back to the head of the line, in order, and is sent again with a backoff
 * of up to `retryMaxMs`: writes wait in the producer until SQS comes back instead of being lost. A
 * caller that cannot wait that long (a request) gives `waitMs` and gets `WritesUnavailableError`.
 */
export function createWritesProducer(deps: {
  sqs: SQSClient;
  queueUrl: string;
  /** Batches on their way at once. */
  maxInFlight?: number;
  /** How long a send waits for SQS before it rejects (the write stays queued); unset waits until sent. */
  waitMs?: number;
  /** Writes held at most while SQS is unreachable; a send beyond that is refused at once. */
  maxWaiting?: number;
  /** The longest pause between two tries of an unreachable SQS. */
  retryMaxMs?: number;
  log?: ProducerLog;
}): WritesProducer {
  const maxInFlight = deps.maxInFlight ?? 4;
  const maxWaiting = deps.maxWaiting ?? 10_000;
  const retryMaxMs = deps.retryMaxMs ?? 2000;
  const waiting: Pending[] = [];
  const groupsInFlight = new Map<string, number>();
  let inFlight = 0;
  let scheduled = false;
  // Consecutive failed tries, and when the next may go (0 while SQS answers).
  let failures = 0;
  let retryAt = 0;
  let retryPending = false;

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
      const again: Pending[] = [];
      batch.forEach((p, i) => {
        const failure = failed.get(String(i));
        if (!failure) p.resolve();
        // SQS's own fault (SenderFault false): the entry is fine, send it again.
        else if (failure.SenderFault === false) again.push(p);
        else p.reject(new Error(`SQS rejected a write: ${failure.Code} ${failure.Message}`));
      });
      if (again.length) sendAgain(again, new Error(`SQS failed ${again.length} writes on its side`));
      else if (failures > 0) {
        failures = 0;
        retryAt = 0;
        deps.log?.info({ queueUrl: deps.queueUrl }, 'SQS reachable again; sending held writes');
      }
    } catch (error) {
      if (isTransientSqsError(error)) sendAgain(batch, error as Error);
      else for (const p of batch) p.reject(error as Error);
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

  /** A batch SQS did not take: back to the head of the line (groups in flight never overlap). */
  function sendAgain(batch: Pending[], error: Error) {
    waiting.unshift(...batch);
    if (failures === 0) {
      deps.log?.warn(
        { err: error.message, queueUrl: deps.queueUrl },
        'SQS unreachable; holding writes and retrying',
      );
    }
    failures += 1;
    retryAt = Date.now() + Math.min(retryMaxMs, 100 * 2 ** Math.min(failures, 10));
  }

  function flush() {
    scheduled = false;
    const wait = retryAt - Date.now();
    if (wait > 0) {
      if (!retryPending) {
        retryPending = true;
        setTimeout(() => {
          retryPending = false;
          schedule();
        }, wait);
      }
      return;
    }
    // While SQS is away, one batch at a time finds out whether it is back.
    const limit = failures > 0 ? 1 : maxInFlight;
    while (inFlight < limit && waiting.length > 0) {
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
      if (waiting.length >= maxWaiting) return reject(new WritesUnavailableError(false));
      let timer: NodeJS.Timeout | undefined;
      if (deps.waitMs !== undefined) {
        timer = setTimeout(() => reject(new WritesUnavailableError(true)), deps.waitMs);
      }
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          fn(value);
        };
      waiting.push({
        entry,
        group: entry.MessageGroupId,
        resolve: settle(resolve),
        reject: settle(reject),
      });
      schedule();
    });

  return {
    send: (message, attributes) => enqueue(message, attributes),
    async sendBatch(messages, attributes) {
      await Promise.all(messages.map((m) => enqueue(m, attributes)));
    },
  };
}
