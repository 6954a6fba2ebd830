import { expect, it } from 'vitest';
import { isRedisFull, retryWhileFull } from './redis.full';

const oom = () => new Error("OOM command not allowed when used memory > 'maxmemory'.");

it('knows an OOM refusal, alone or behind EXECABORT, from other errors', () => {
  expect(isRedisFull(oom())).toBe(true);
  const aborted = Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), {
    previousErrors: [oom()],
  });
  expect(isRedisFull(aborted)).toBe(true);
  expect(isRedisFull(new Error('EXECABORT Transaction discarded because of previous errors.'))).toBe(false);
  expect(isRedisFull(new Error('ERR wrong number of arguments'))).toBe(false);
  expect(isRedisFull(undefined)).toBe(false);
});

it('tries a step again while Redis is full, and gives up on anything else or after the deadline', async () => {
  let tries = 0;
  await expect(
    retryWhileFull(async () => {
      tries += 1;
      if (tries < 3) throw oom();
      return 'ended';
    }, 5000),
  ).resolves.toBe('ended');
  expect(tries).toBe(3);

  tries = 0;
  await expect(
    retryWhileFull(async () => {
      tries += 1;
      throw new Error('ERR other');
    }, 5000),
  ).rejects.toThrow('ERR other');
  expect(tries).toBe(1);

  const started = Date.now();
  await expect(
    retryWhileFull(async () => {
      throw oom();
    }, 200),
  ).rejects.toThrow(/^OOM/);
  expect(Date.now() - started).toBeGreaterThanOrEqual(200);
});
