import { describe, expect, it } from 'vitest';
import { fleets } from '../../shared/scaling/fleets.config';
import { chatWorkerScaling, providerMaxTasks } from '../lib/scaling';
import { readSettings } from '../lib/settings';
import { useStack } from './synth';

describe('the chat service within the provider budget', () => {
  it('runs no more tasks than the budget keeps busy: calls/s × seconds per call over the concurrency', () => {
    // 10,000 requests/min × 8 s = 1,333 calls at once; at 128 a task that is 11 tasks.
    expect(providerMaxTasks(fleets.chat, { requestsPerMinute: 10_000, callSeconds: 8 })).toBe(11);
    // A small budget still keeps one task, so the queue drains.
    expect(providerMaxTasks(fleets.chat, { requestsPerMinute: 20, callSeconds: 8 })).toBe(1);
    expect(
      providerMaxTasks({ ...fleets.chat, concurrency: 16 }, { requestsPerMinute: 600, callSeconds: 8 }),
    ).toBe(5);
  });

  it('caps max capacity at the budget, never below min nor above the fleet max; without one, the fleet max', () => {
    expect(chatWorkerScaling({ providerRequestsPerMinute: 10_000, providerCallSeconds: 8 }).maxCapacity).toBe(
      11,
    );
    expect(chatWorkerScaling({ providerRequestsPerMinute: 20, providerCallSeconds: 8 }).maxCapacity).toBe(
      Math.max(fleets.chat.min, 1),
    );
    expect(chatWorkerScaling({ providerRequestsPerMinute: 1e8, providerCallSeconds: 8 }).maxCapacity).toBe(
      fleets.chat.max,
    );
    expect(chatWorkerScaling({ providerCallSeconds: 8 }).maxCapacity).toBe(fleets.chat.max);
  });

  const stack = useStack({ 'aira:providerRequestsPerMinute': '10000', 'aira:providerCallSeconds': '8' });

  it('reads the budget from context and gives the chat service that max capacity', () => {
    expect(readSettings(stack().stack.node)).toMatchObject({
      providerRequestsPerMinute: 10_000,
      providerCallSeconds: 8,
    });
    const capacities = Object.values(stack().resources('AWS::ApplicationAutoScaling::ScalableTarget')).map(
      (t) => t.Properties.MaxCapacity,
    );
    // Chat capped at 11; the writers (4) and the gateway (10) as before.
    expect(capacities.sort((a, b) => Number(a) - Number(b))).toEqual([fleets.writer.max, 10, 11]);
  });
});
