import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnEntry } from '../test/harness/processes';

/**
 * The stack as `npm start` runs it (separate processes for gateway, workers and LLM simulator) on
 * ports of its own, for a benchmark to measure from the outside.
 */
export async function startBenchStack(env: Record<string, string> = {}) {
  const port = 3400 + Math.floor(Math.random() * 400);
  const llmPort = port + 1000;
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const redisUrl = env.REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stack = await spawnEntry(
    'scripts/start.ts',
    {
      PORT: String(port),
      LLM_SIM_PORT: String(llmPort),
      SQS_EMULATOR_PORT: String(port + 2000),
      CHAT_METRICS_PORT_BASE: String(port + 3000),
      WRITER_METRICS_PORT_BASE: String(port + 3100),
      AIRA_PREFIX: prefix,
      AIRA_DATA_DIR: mkdtempSync(join(tmpdir(), 'aira-bench-')),
      SQS_WRITES_QUEUE_NAME: `aira-writes-bench-${randomBytes(3).toString('hex')}.fifo`,
      LOG_LEVEL: 'warn',
      // Fixed worker counts: a benchmark measures the path, not the autoscaler (which has its own).
      AUTOSCALE: 'false',
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
    prefix,
    redisUrl,
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

/** Removes what a run left in the shared Redis (replies, queued jobs, sessions) under its prefix. */
async function deleteKeys(url: string, prefix: string) {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
