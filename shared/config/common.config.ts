import { Type } from '@sinclair/typebox';
import { catalog } from '../jobs/catalog';

const Part = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

/**
 * Where the database is: one URL, or the parts Aurora's secret holds, from which parseEnv builds
 * DATABASE_URL (shared/config/connection.urls.ts). Every process that opens the database spreads it.
 */
export const databaseEnv = {
  // mysql://user:pass@host:port/db for MySQL/Aurora; unset means SQLite under AIRA_DATA_DIR.
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^(mysql|sqlite)://', description: 'mysql://… or sqlite://path' }),
  ),
  // The same in parts (in AWS, fields of Aurora's rotating secret); DATABASE_URL must then be unset.
  DB_HOST: Part('database host'),
  DB_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'database port' })),
  DB_NAME: Part('database name'),
  DB_USER: Part('database user'),
  DB_PASSWORD: Part('database password'),
  // mysql2 SSL profile for the assembled URL: `Amazon RDS` trusts the RDS certificate authorities.
  DB_SSL: Part('an SSL profile name, e.g. Amazon RDS'),
};

/**
 * Variables every Aira process reads. Each process spreads these into its own schema so its
 * config is parsed once, at start, in one place.
 */
export const commonEnv = {
  // Where Redis is (BullMQ, reply streams, sessions, recent turns); rediss:// is TLS.
  REDIS_URL: Type.String({
    default: 'redis://127.0.0.1:6379',
    pattern: '^rediss?://',
    description: 'redis://host:port',
  }),
  // Put into REDIS_URL as its password (the ElastiCache AUTH token in AWS).
  REDIS_PASSWORD: Part('the Redis password'),
  // Prefix for every Redis key and BullMQ queue, so several stacks can share one Redis.
  AIRA_PREFIX: Type.String({ default: 'aira', pattern: '^[A-Za-z0-9_.-]+$' }),
  ...databaseEnv,
  // Folder for the SQLite file and other local state.
  AIRA_DATA_DIR: Type.String({ default: './data' }),
  // SQS endpoint (the emulator locally); unset means AWS's own endpoint for AWS_REGION.
  SQS_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  // Queue URLs; when unset they are looked up (and created on an emulator) by name.
  SQS_WRITES_QUEUE_URL: Type.Optional(Type.String()),
  SQS_WRITES_DLQ_URL: Type.Optional(Type.String()),
  // Queue names, overridable so tests and parallel stacks never share a queue.
  SQS_WRITES_QUEUE_NAME: Type.String({ default: catalog.writes.name, pattern: '\\.fifo$' }),
  // OTLP/HTTP collector for traces (e.g. http://127.0.0.1:4318); unset turns tracing off. Read by
  // the preload shared/telemetry/instrument.ts, and here so BullMQ carries trace context only then.
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
};

/** Settings every worker (chat and writer) shares. */
export const workerEnv = {
  // Interface of the worker's /metrics listener: loopback on a laptop; the image sets 0.0.0.0 so
  // Prometheus and ECS can reach it from outside the container.
  METRICS_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  // Set by ECS in every container: while this worker holds a job it protects its task from
  // scale-in through the agent at this address. Unset outside ECS.
  ECS_AGENT_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
  // How long the task stays protected after its last job ends, so it does not flip per job.
  TASK_PROTECTION_LINGER_MS: Type.Integer({ minimum: 0, default: 5000 }),
};
