import { type Static, Type } from '@sinclair/typebox';
import { commonEnv, workerEnv } from '../../shared/config/common.config';
import { Port, parseEnv } from '../../shared/config/env';

export const WriterWorkerEnv = Type.Object({
  ...commonEnv,
  ...workerEnv,
  // Receivers polling the queue at once in this process: one receives while another writes. A
  // user's writes stay in order (SQS holds a group back; in the process, a batch waits for another
  // holding one of its groups).
  WRITER_RECEIVERS: Type.Integer({ minimum: 1, maximum: 16, default: 2 }),
  // Messages received per batch (SQS allows at most 10).
  WRITER_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 10, default: 10 }),
  // Long-poll wait for a receive, in seconds.
  WRITER_WAIT_SECONDS: Type.Integer({ minimum: 0, maximum: 20, default: 20 }),
  // Visibility timeout of a received batch; extended every heartbeat while it is being written.
  WRITER_VISIBILITY_S: Type.Integer({ minimum: 5, default: 30 }),
  // How long a batch keeps retrying a database that is down before handing the batch back.
  WRITER_DB_RETRY_S: Type.Integer({ minimum: 0, default: 300 }),
  // Prometheus /metrics listener of this worker (0 picks a free port).
  METRICS_PORT: Port(9102, 'port for /metrics'),
  WORKER_ID: Type.String({ default: `writer-${process.pid}` }),
  // Seconds the Redis copies of recent data live (pending turns, survey progress).
  TURNS_TTL_S: Type.Integer({ minimum: 60, default: 86_400 }),
  // Seconds a reply's stream stays in Redis once its turn is stored: long enough for a client that
  // lost the end to resume it exactly; after that the reply is replayed from the database.
  REPLY_STREAM_STORED_TTL_S: Type.Integer({ minimum: 1, default: 300 }),
  // The gateway keeps a user's survey progress this long (its SESSION_TTL_S); the writer's record
  // of the answers stored lives as long.
  SESSION_TTL_S: Type.Integer({ minimum: 60, default: 30 * 86_400 }),
});

export type WriterWorkerConfig = Static<typeof WriterWorkerEnv>;

export const loadWriterWorkerConfig = (env = process.env) => parseEnv(WriterWorkerEnv, env);
