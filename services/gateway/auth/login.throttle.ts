import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../shared/redis/keys';
import { HttpError } from '../plugins/errors';

interface Limits {
  /** Failures after which each attempt is slowed down. */
  slowAfter: number;
  /** Failures after which attempts get 429 until the window passes. */
  blockAfter: number;
}

export interface ThrottlePolicy {
  account: Limits;
  /** An address may be shared by many people (a NAT, an office), so it gets more room. */
  address: Limits;
  windowSeconds: number;
}

export const defaultThrottle: ThrottlePolicy = {
  account: { slowAfter: 3, blockAfter: 10 },
  address: { slowAfter: 20, blockAfter: 100 },
  windowSeconds: 900,
};

/**
 * Repeated failed logins for one account or one address first slow down (a growing delay) and
 * then answer 429 with Retry-After, so guessing passwords costs time.
 */
export function createLoginThrottle(deps: { redis: Redis; keys: RedisKeys; policy?: ThrottlePolicy }) {
  const policy = deps.policy ?? defaultThrottle;
  const keyOf = deps.keys.loginFailures;

  return {
    /** Checks before an attempt: 429 when blocked, else waits the slow-down delay. */
    async before(email: string, ip: string): Promise<void> {
      const keys = [keyOf('email', email), keyOf('ip', ip)];
      const [byAccount, byAddress] = (await deps.redis.mget(...keys)).map((c) => Number(c ?? 0)) as [
        number,
        number,
      ];
      // How far past each limit we are, measured in the account's terms.
      const over = (n: number, limits: Limits) => n - limits.slowAfter;
      const blocked = byAccount >= policy.account.blockAfter || byAddress >= policy.address.blockAfter;
      const excess = Math.max(over(byAccount, policy.account), over(byAddress, policy.address));
      if (blocked) {
        const ttl = Math.max(...(await Promise.all(keys.map((k) => deps.redis.ttl(k)))), 1);
        throw new HttpError(429, 'too_many_attempts', 'Too many failed sign-ins; try again later.', {
          'retry-after': String(ttl),
        });
      }
      if (excess >= 0) await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** excess)));
    },
    async failed(email: string, ip: string): Promise<void> {
      const tx = deps.redis.multi();
      for (const key of [keyOf('email', email), keyOf('ip', ip)])
        tx.incr(key).expire(key, policy.windowSeconds, 'NX');
      await tx.exec();
    },
    async succeeded(email: string): Promise<void> {
      await deps.redis.del(keyOf('email', email));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
