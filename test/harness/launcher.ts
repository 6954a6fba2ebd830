import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { containerCommand, repoRoot } from '../../shared/process/entries';
import { freePort } from './ports';

/** Every port variable the launcher reads (scripts/start/start.config.ts and the autoscaler's). */
export const launcherPortVariables = [
  'PORT',
  'LLM_SIM_PORT',
  'SQS_EMULATOR_PORT',
  'LOCAL_REDIS_PORT',
  'AUTOSCALER_PORT',
  'CHAT_METRICS_PORT_BASE',
  'WRITER_METRICS_PORT_BASE',
] as const;

/** Variables of the machine's environment that would point the stack elsewhere than its local stand-ins. */
const unset = ['DATABASE_URL', 'SQS_ENDPOINT', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'];

/**
 * The compiled `npm start` launcher (`npm run build` first) as `npm start` runs it, in a process
 * group of its own, with a data dir of its own, its own Redis prefix and queue, and a free port
 * for every port variable. Resolves once it is ready (or has exited, when `ready` is false).
 */
export async function startLauncher(
  opts: {
    env?: Record<string, string>;
    ready?: boolean;
    /** No Redis at REDIS_URL: the launcher starts a redis-server of its own on LOCAL_REDIS_PORT. */
    ownRedis?: boolean;
  } = {},
) {
  const id = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'aira-start-'));
  const ports: Record<string, number> = {};
  for (const variable of launcherPortVariables) ports[variable] = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    REDIS_URL: opts.ownRedis
      ? `redis://127.0.0.1:${ports.LOCAL_REDIS_PORT}`
      : (process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'),
    AIRA_PREFIX: `test-${id}`,
    AIRA_DATA_DIR: dataDir,
    SQS_WRITES_QUEUE_NAME: `aira-writes-${id}.fifo`,
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  for (const name of unset) if (!opts.env?.[name]) delete env[name];
  const [command, ...args] = containerCommand('start');
  const child: ChildProcess = spawn(command === 'node' ? process.execPath : (command as string), args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own group, as a terminal gives it: `kill -9 -<pid>` is the group's SIGKILL.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  if (opts.ready !== false) {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Ctrl-C stops everything')) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`the launcher exited (${code}) before it was ready:\n${output}`));
      });
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`the launcher was not ready in 120 s:\n${output}`));
      }, 120_000).unref();
    });
  }
  return {
    id,
    pid: child.pid as number,
    ports,
    env,
    baseUrl: `http://127.0.0.1:${ports.PORT}`,
    output: () => output,
    exited,
    /** Marks every process the launcher started, however far down (they inherit its environment). */
    marker: `AIRA_PREFIX=test-${id}`,
    /** Removes its data dir and Redis keys; the processes must be gone already. */
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      // Only the shared Redis holds keys to remove (not one of its own, nor a port given instead).
      if (opts.ownRedis || opts.env?.REDIS_URL) return;
      const redis = new Redis(env.REDIS_URL as string);
      const keys = await redis.keys(`test-${id}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      redis.disconnect();
    },
  };
}

export type Launcher = Awaited<ReturnType<typeof startLauncher>>;
