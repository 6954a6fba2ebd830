import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { redisUrlWithPassword } from '../../shared/config/connection.urls';
import { queueMetricsNamespace } from './queue-metrics.names';

const EnvSchema = Type.Object({
  /** Redis holding the BullMQ queues. */
  REDIS_URL: Type.String({ minLength: 1, default: 'redis://127.0.0.1:6379' }),
  /** Put into REDIS_URL as its password (the ElastiCache AUTH token in AWS). */
  REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  /** Key prefix BullMQ uses (BullMQ's own default unless the workers set another). */
  BULLMQ_PREFIX: Type.String({ minLength: 1, default: 'bull' }),
  /** Comma-separated BullMQ queues to report. */
  QUEUE_METRICS_QUEUES: Type.String({ pattern: '^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$', default: 'chat' }),
  /** Seconds between two reports; CloudWatch keeps one-minute points, so 15 s gives four per point. */
  QUEUE_METRICS_INTERVAL_SECONDS: Type.Number({ minimum: 1, maximum: 60, default: 15 }),
  /** CloudWatch namespace; the CDK app scales on this one. */
  QUEUE_METRICS_NAMESPACE: Type.String({ minLength: 1, default: queueMetricsNamespace }),
  /** AWS region; the SDK also finds it in the ECS task's environment. */
  AWS_REGION: Type.Optional(Type.String({ minLength: 1 })),
  /** pino log level. */
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  /** Alternative CloudWatch endpoint (a local emulator); unset in AWS. */
  CLOUDWATCH_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
});

type Env = Static<typeof EnvSchema>;

export interface QueueMetricsConfig {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly queues: readonly string[];
  readonly intervalMs: number;
  readonly namespace: string;
  readonly region: string | undefined;
  readonly cloudWatchEndpoint: string | undefined;
  readonly logLevel: string;
}

/** Reads the publisher's settings once, at start; a bad value throws naming the variable. */
export function loadQueueMetricsConfig(source: NodeJS.ProcessEnv = process.env): QueueMetricsConfig {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const env = Value.Convert(EnvSchema, Value.Default(EnvSchema, picked));
  const error = Value.Errors(EnvSchema, env).First();
  if (error) {
    const name = error.path.replace(/^\//, '');
    throw new Error(`invalid environment variable ${name}=${JSON.stringify(error.value)}: ${error.message}`);
  }
  const valid = env as Env;
  return Object.freeze({
    redisUrl: redisUrlWithPassword(valid.REDIS_URL, valid.REDIS_PASSWORD),
    prefix: valid.BULLMQ_PREFIX,
    queues: Object.freeze(valid.QUEUE_METRICS_QUEUES.split(',')),
    intervalMs: valid.QUEUE_METRICS_INTERVAL_SECONDS * 1000,
    namespace: valid.QUEUE_METRICS_NAMESPACE,
    region: valid.AWS_REGION,
    cloudWatchEndpoint: valid.CLOUDWATCH_ENDPOINT,
    logLevel: valid.LOG_LEVEL,
  });
}
