import { Type } from '@sinclair/typebox';

/**
 * Variables every Aira process reads. Each process spreads these into its own schema so its
 * config is parsed once, at start, in one place.
 */
export const commonEnv = {
  // Where Redis is (BullMQ, reply streams, sessions, recent turns).
  REDIS_URL: Type.String({
    default: 'redis://127.0.0.1:6379',
    pattern: '^rediss?://',
    description: 'redis://host:port',
  }),
  // Prefix for every Redis key and BullMQ queue, so several stacks can share one Redis.
  AIRA_PREFIX: Type.String({ default: 'aira', pattern: '^[A-Za-z0-9_.-]+$' }),
  // mysql://user:pass@host:port/db for MySQL/Aurora; unset means SQLite under AIRA_DATA_DIR.
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^(mysql|sqlite)://', description: 'mysql://… or sqlite://path' }),
  ),
  // Folder for the SQLite file and other local state.
  AIRA_DATA_DIR: Type.String({ default: './data' }),
  // SQS endpoint (the emulator locally); unset means AWS's own endpoint for AWS_REGION.
  SQS_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  // Queue URLs; when unset they are looked up (and created on an emulator) by name.
  SQS_WRITES_QUEUE_URL: Type.Optional(Type.String()),
  SQS_WRITES_DLQ_URL: Type.Optional(Type.String()),
  // Queue names, overridable so tests and parallel stacks never share a queue.
  SQS_WRITES_QUEUE_NAME: Type.String({ default: 'aira-writes.fifo', pattern: '\\.fifo$' }),
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
  // Set by ECS in every container: while this worker holds a job it protects its task from
  // scale-in through the agent at this address. Unset outside ECS.
  ECS_AGENT_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
  // How long the task stays protected after its last job ends, so it does not flip per job.
  TASK_PROTECTION_LINGER_MS: Type.Integer({ minimum: 0, default: 5000 }),
};
