import { type Static, Type } from '@sinclair/typebox';
import { commonEnv, workerEnv } from '../../shared/config/common.config';
import { Port, parseEnv } from '../../shared/config/env';
import { fleets } from '../../shared/scaling/fleets.config';

export const ChatWorkerEnv = Type.Object({
  ...commonEnv,
  ...workerEnv,
  // OpenAI credentials; the llm-sim ignores the key, so a placeholder is used when unset.
  OPENAI_API_KEY: Type.String({ default: 'sk-local-simulator' }),
  // Chat completions endpoint; http://127.0.0.1:8090/v1 is the local simulator.
  OPENAI_BASE_URL: Type.String({ default: 'http://127.0.0.1:8090/v1', pattern: '^https?://' }),
  OPENAI_MODEL: Type.String({ default: 'gpt-4o-mini', minLength: 1 }),
  // Jobs this process runs at once.
  CHAT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: fleets.chat.concurrency }),
  // Completion tokens per reply.
  CHAT_MAX_TOKENS: Type.Integer({ minimum: 1, maximum: 32_000, default: 512 }),
  // A job whose worker stops renewing its lock for this long is handed to another worker.
  CHAT_LOCK_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  // How often BullMQ looks for stalled jobs (those whose worker died).
  CHAT_STALLED_INTERVAL_MS: Type.Integer({ minimum: 500, default: 15_000 }),
  // Abort an LLM call that runs longer than this.
  LLM_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 90_000 }),
  // 429s one reply attempt waits out (each pausing the whole fleet until the provider's reset)
  // before the job's own retry takes over.
  LLM_MAX_REFUSALS: Type.Integer({ minimum: 0, maximum: 1000, default: 10 }),
  // Tokens after the first are appended to the reply stream in batches at most this far apart.
  TOKEN_BATCH_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }),
  // Seconds a finished reply stream stays readable (for resume).
  REPLY_STREAM_TTL_S: Type.Integer({ minimum: 10, default: 3600 }),
  // Recent turns kept per conversation in Redis, and their TTL.
  TURNS_MAX: Type.Integer({ minimum: 2, maximum: 200, default: 20 }),
  TURNS_TTL_S: Type.Integer({ minimum: 60, default: 86_400 }),
  // Prometheus /metrics listener of this worker (0 picks a free port).
  METRICS_PORT: Port(9101, 'port for /metrics'),
  // Identifies this worker in logs and in the autoscaler's books.
  WORKER_ID: Type.String({ default: `chat-${process.pid}` }),
});

export type ChatWorkerConfig = Static<typeof ChatWorkerEnv>;

export const loadChatWorkerConfig = (env = process.env) => parseEnv(ChatWorkerEnv, env);
