import { describe, it } from 'vitest';
import { redisFull } from './cases/redis-full.case';
import { expectRedisFullSurvived } from './chaos.checks';

describe('chaos', () => {
  it('Redis at maxmemory (noeviction), 3 times for 8 s', async () => {
    expectRedisFullSurvived(await redisFull(3, 8000));
  });
});
