import { describe, it } from 'vitest';
import { redisRestarts } from './cases/redis-restart.case';
import { expectRedisRestartsSurvived } from './chaos.checks';

describe('chaos', () => {
  it('Redis crashing and coming back, 3 times for 8 s', async () => {
    expectRedisRestartsSurvived(await redisRestarts(3, 8000));
  });
});
