import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A free loopback port (the OS picks one; it is released at once for the caller to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServer {
  /** Without the password. */
  url: string;
  /** Kills the server (SIGKILL by default: a crash, not a shutdown). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and directory; it reloads its append-only file. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export interface RedisServerOptions {
  /** Serve TLS only (a `rediss://` URL), with this certificate for 127.0.0.1. */
  tls?: { certFile: string; keyFile: string };
  /** Require this password (AUTH), as ElastiCache requires its AUTH token. */
  password?: string;
}

/**
 * A redis-server of the test's own, so a test can crash and restart it without touching the
 * shared one. Durable as a production cache would be configured for queues: no snapshots, an
 * append-only file fsynced on every write, no eviction.
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'aira-chaos-redis-'));
  const url = `${opts.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
  const listen = opts.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        opts.tls.certFile,
        '--tls-key-file',
        opts.tls.keyFile,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const probeOptions = {
    ...(opts.password ? { password: opts.password } : {}),
    ...(opts.tls ? { tls: { ca: readFileSync(opts.tls.certFile) } } : {}),
  };
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        ...listen,
        ...(opts.password ? ['--requirepass', opts.password] : []),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    const proc = child;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(url, {
        ...probeOptions,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      // A refused connection is expected until the server listens; connect() reports it.
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        probe.disconnect();
      }
    }
  };

  await start();
  return {
    url,
    start,
    async kill(signal = 'SIGKILL') {
      child?.kill(signal);
      await exited;
    },
    async destroy() {
      child?.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
