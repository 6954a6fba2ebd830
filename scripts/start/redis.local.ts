import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { type ServiceProcess, spawnService } from './service.process';

/**
 * redis-server knows nothing of the IPC channel that stops Aira's own processes with the launcher:
 * where util-linux's setpriv is at hand (Linux), the kernel sends it SIGTERM when the launcher dies.
 */
const parentDeathSignal = (): string[] =>
  spawnSync('setpriv', ['--version']).status === 0 ? ['setpriv', '--pdeathsig', 'TERM', '--'] : [];

/** Whether a Redis answers PING at `url`. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
    // Something else on the port may take the connection and never answer.
    commandTimeout: 1000,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Redis for the stack: the one at REDIS_URL if it answers, else a redis-server started here (with
 * an append-only file under the data dir, so queued jobs survive a restart), else a clear error.
 */
export async function ensureRedis(opts: {
  url: string;
  port: number;
  dataDir: string;
  index: number;
}): Promise<{ url: string; process?: ServiceProcess }> {
  if (await redisAnswers(opts.url)) return { url: opts.url };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      `Redis does not answer at ${opts.url} and no redis-server is installed. Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running one.`,
    );
  }
  const dir = resolve(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const url = `redis://127.0.0.1:${opts.port}`;
  const [command, ...args] = [
    ...parentDeathSignal(),
    'redis-server',
    '--port',
    String(opts.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
  ];
  const process = await spawnService({
    name: 'redis',
    command: command as string,
    args,
    ready: /Ready to accept connections/,
    index: opts.index,
  });
  return { url, process };
}
