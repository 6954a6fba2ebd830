import { Type } from '@sinclair/typebox';
import { GatewayEnv } from '../../services/gateway/gateway.config';
import { commonEnv, workerEnv } from '../../shared/config/common.config';
import { Port, parseEnv } from '../../shared/config/env';

/** What `npm start` reads; anything left unset is provided locally. */
export const StartEnv = Type.Object({
  ...commonEnv,
  PORT: Port(3000, 'gateway HTTP port'),
  // The gateway's and workers' interfaces, read here to check their ports before anything starts.
  HOST: GatewayEnv.properties.HOST,
  METRICS_HOST: workerEnv.METRICS_HOST,
  // Set to use OpenAI itself; unset starts the local LLM simulator.
  OPENAI_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  OPENAI_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  // Listener of the local LLM simulator, when it is started.
  LLM_SIM_PORT: Port(8090, 'LLM simulator port'),
  LLM_SIM_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  // Listener of the in-process SQS emulator, when it is started.
  SQS_EMULATOR_PORT: Port(9324, 'SQS emulator port'),
  // Port for a redis-server started when none answers at REDIS_URL.
  LOCAL_REDIS_PORT: Port(6379, 'port for a locally started redis-server'),
  // Run the worker fleets through the autoscaler (scaled on queue depth and age).
  AUTOSCALE: Type.Boolean({ default: true }),
  // Worker processes per fleet when the autoscaler is off.
  CHAT_WORKERS: Type.Integer({ minimum: 0, maximum: 64, default: 1 }),
  WRITER_WORKERS: Type.Integer({ minimum: 0, maximum: 16, default: 1 }),
  // First /metrics port of each fleet's workers (worker i gets base + i). With the autoscaler on,
  // its workers take free ports, and the writer base is used only by the writer that empties the
  // local writes queue at Ctrl-C.
  CHAT_METRICS_PORT_BASE: Port(9101, 'first chat worker /metrics port'),
  WRITER_METRICS_PORT_BASE: Port(9201, 'first writer worker /metrics port'),
});

export const loadStartConfig = (env = process.env) => parseEnv(StartEnv, env);
