import { type Message, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from 'ioredis';
import { type Db, dialectOf } from '../../shared/db/database';
import { assertPayload } from '../../shared/jobs/catalog';
import type { WriteKind, WriteMessage, WriteOf } from '../../shared/jobs/writes.messages';
import type { RedisKeys } from '../../shared/redis/keys';
import { registerScripts } from '../../shared/redis/scripts';
import type { Logger } from '../../shared/telemetry/logger';
import { observeTraced } from '../../shared/telemetry/trace.context';
import { isDataError } from './db.errors';
import { createGroupGate } from './group.gate';
import type { WriterMetrics } from './writer.metrics';
import { type AfterCommitContext, afterCommit, appliers, applyOrder } from './writes.appliers';
import { inSpan } from './writes.tracing';

export interface WritesHandlerDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  sqs: SQSClient;
  dlqUrl: string;
  metrics: WriterMetrics;
  log: Logger;
  /** How long to keep retrying a database that is down before giving the batch back to SQS. */
  dbRetryMs: number;
  /** True once the worker is stopping: stop retrying and give the batch back. */
  stopping: () => boolean;
  /** Seconds a reply's stream stays once its turn is stored. */
  storedStreamTtlSeconds: number;
  /** Seconds the record of stored answers lives. */
  answersTtlSeconds: number;
}

interface Parsed {
  sqs: Message;
  write: WriteMessage;
}

/**
 * Writes one SQS batch: poison messages (bad JSON, failed schema, rows the database rejects for
 * good) go to the dead-letter queue at once, so they block neither the batch nor the user's FIFO
 * group; the rest are written in one transaction with one statement per kind. Returns the messages
 * to delete: only those written or dead-lettered.
 */
export function createWritesHandler(deps: WritesHandlerDeps) {
  const { metrics, log } = deps;

  const deadLetter = async (message: Message, reason: string, kind = 'unknown') => {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.dlqUrl,
        MessageBody: message.Body ?? '',
        MessageGroupId: message.Attributes?.MessageGroupId ?? 'poison',
        MessageDeduplicationId: message.MessageId,
        MessageAttributes: {
          ...message.MessageAttributes,
          'aira-error': { DataType: 'String', StringValue: reason.slice(0, 1000) },
          'aira-source-message-id': { DataType: 'String', StringValue: message.MessageId ?? '' },
        },
      }),
    );
    metrics.messages.inc({ kind, outcome: 'dead_lettered' });
    log.warn({ messageId: message.MessageId, kind, reason }, 'write dead-lettered');
  };

  const write = async (batch: Parsed[]) => {
    const byKind = new Map<WriteKind, WriteMessage[]>();
    for (const { write } of batch) {
      const list = byKind.get(write.kind) ?? [];
      list.push(write);
      byKind.set(write.kind, list);
    }
    const spanAttributes = { 'db.system.name': dialectOf(deps.db), 'aira.writer.messages': batch.length };
    await inSpan('writer.transaction', spanAttributes, () =>
      deps.db.transaction().execute(async (tx) => {
        for (const kind of applyOrder) {
          const messages = byKind.get(kind);
          if (!messages) continue;
          const apply = appliers[kind] as (db: Db, m: WriteMessage[]) => Promise<number>;
          const written = await apply(tx, messages);
          metrics.messages.inc({ kind, outcome: 'written' }, written > 0 ? messages.length : 0);
          metrics.messages.inc({ kind, outcome: 'duplicate' }, written > 0 ? 0 : messages.length);
        }
      }),
    );
    const tx = registerScripts(deps.redis).multi();
    for (const { write } of batch) {
      const effect = afterCommit[write.kind] as
        | ((t: typeof tx, c: AfterCommitContext, m: WriteOf<WriteKind>) => void)
        | undefined;
      effect?.(
        tx,
        {
          keys: deps.keys,
          storedStreamTtlSeconds: deps.storedStreamTtlSeconds,
          answersTtlSeconds: deps.answersTtlSeconds,
        },
        write,
      );
    }
    // The database has the rows; a failed cleanup only leaves copies that the history de-duplicates.
    await tx.exec().catch((error) => log.warn({ err: error }, 'redis cleanup after write failed'));
  };

  /** Retries while the database is down (the consumer keeps extending visibility meanwhile). */
  const writeWithRetry = async (batch: Parsed[]) => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await write(batch);
      } catch (error) {
        if (isDataError(error) || deps.stopping() || Date.now() - started > deps.dbRetryMs) throw error;
        const delay = Math.min(5000, 100 * 2 ** attempt);
        log.warn({ err: error, attempt, delay }, 'database unavailable; retrying batch');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  const through = createGroupGate();

  return function handleBatch(messages: Message[]): Promise<Message[]> {
    const groups = messages.map((m) => m.Attributes?.MessageGroupId ?? '');
    return through(groups, () => writeBatch(messages));
  };

  async function writeBatch(messages: Message[]): Promise<Message[]> {
    const started = performance.now();
    metrics.batchSize.observe(messages.length);
    const done: Message[] = [];
    const valid: Parsed[] = [];
    for (const message of messages) {
      try {
        const body: unknown = JSON.parse(message.Body ?? '');
        assertPayload('writes', body);
        valid.push({ sqs: message, write: body });
      } catch (error) {
        await deadLetter(message, (error as Error).message);
        done.push(message);
      }
    }
    if (valid.length > 0) {
      try {
        await writeWithRetry(valid);
        done.push(...valid.map((p) => p.sqs));
      } catch (error) {
        if (!isDataError(error)) {
          log.error({ err: error, messages: valid.length }, 'batch not written; SQS will redeliver it');
          return done;
        }
        // One row is bad for good: write the messages one by one to find it, keep the rest.
        for (const parsed of valid) {
          try {
            await writeWithRetry([parsed]);
            done.push(parsed.sqs);
          } catch (single) {
            if (!isDataError(single)) continue;
            await deadLetter(
              parsed.sqs,
              `database rejected: ${(single as Error).message}`,
              parsed.write.kind,
            );
            done.push(parsed.sqs);
          }
        }
      }
    }
    observeTraced(metrics.batchDuration, (performance.now() - started) / 1000);
    return done;
  }
}
