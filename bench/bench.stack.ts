import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuntime } from '../scripts/build';
import { deleteKeys } from '../test/harness/prefix.cleanup';
import { spawnCompiled } from '../test/harness/processes';

let built: Promise<unknown> | undefined;

/**
 * The stack exactly as `npm start` runs it — the compiled launcher, its defaults (the autoscaler
 * runs the worker fleets) — on ports, a Redis prefix, a queue and a data folder of its own, for a
 * benchmark to measure from the outside. `env` changes what a benchmark needs changed, and says so.
 */
export async function startBenchStack(env: Record<string, string> = {}) {
  built ??= buildRuntime();
  await built;
  const port = 3400 + Math.floor(Math.random() * 400);
  const llmPort = port + 1000;
  const autoscalerPort = port + 1500;
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const queueName = `aira-writes-bench-${randomBytes(3).toString('hex')}.fifo`;
  const dataDir = mkdtempSync(join(tmpdir(), 'aira-bench-'));
  const redisUrl = env.REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stack = await spawnCompiled(
    'start',
    {
      PORT: String(port),
      LLM_SIM_PORT: String(llmPort),
      SQS_EMULATOR_PORT: String(port + 2000),
      AUTOSCALER_PORT: String(autoscalerPort),
      AUTOSCALER_URL: `http://127.0.0.1:${autoscalerPort}/status`,
      CHAT_METRICS_PORT_BASE: String(port + 3000),
      WRITER_METRICS_PORT_BASE: String(port + 3100),
      AIRA_PREFIX: prefix,
      AIRA_DATA_DIR: dataDir,
      SQS_WRITES_QUEUE_NAME: queueName,
      LOG_LEVEL: 'warn',
      // One client address makes every request of a benchmark: the per-address limits would
      // measure themselves.
      RATE_LIMIT_AUTH_PER_MIN: '1000000',
      RATE_LIMIT_CHAT_PER_MIN: '1000000',
      ...env,
    },
    /\[aira\] ready/,
    120_000,
  );
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    llmBaseUrl: `http://127.0.0.1:${llmPort}/v1`,
    autoscalerUrl: `http://127.0.0.1:${autoscalerPort}`,
    prefix,
    redisUrl,
    /** The writes queue, on the emulator at `sqsEndpoint`, and the SQLite data folder. */
    queueName,
    sqsEndpoint: `http://127.0.0.1:${port + 2000}`,
    dataDir,
    /** Everything the launcher and its services printed so far, each line behind its service's name. */
    output: stack.output,
    /** The launcher's pid; each service is a child process of it. */
    pid: stack.child.pid!,
    async stop() {
      stack.kill('SIGTERM');
      await stack.exited;
      await deleteKeys(redisUrl, prefix);
    },
  };
}
