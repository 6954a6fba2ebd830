import { afterAll, expect, it, vi } from 'vitest';
import { startRedisServer } from '../../test/chaos/redis.server';
import { createRedis } from './connection';

const server = await startRedisServer();
afterAll(() => server.destroy());

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

it('reports a Redis outage once and its end once, with nothing printed outside the log', async () => {
  const log = { warn: vi.fn(), info: vi.fn() };
  const printed = vi.spyOn(console, 'error');
  const redis = createRedis(server.url, {
    name: 'test:cmd',
    log,
    retryStrategy: () => 50,
  });
  try {
    expect(await redis.ping()).toBe('PONG');
    await server.kill();
    await until(() => log.warn.mock.calls.length > 0);
    // A second of reconnect attempts, each failing with an error event.
    await new Promise((r) => setTimeout(r, 1000));
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatchObject({ connection: 'test:cmd' });
    expect(log.info).not.toHaveBeenCalled();

    await server.start();
    await until(() => log.info.mock.calls.length > 0);
    expect(log.info).toHaveBeenCalledWith({ connection: 'test:cmd' }, 'redis connection back');
    expect(await redis.ping()).toBe('PONG');
    expect(printed.mock.calls.flat().join(' ')).not.toContain('Unhandled error event');
  } finally {
    printed.mockRestore();
    redis.disconnect();
  }
});
