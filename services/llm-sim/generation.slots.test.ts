import { describe, expect, it } from 'vitest';
import { createGenerationSlots, type SlotLimits, type SlotTicket } from './generation.slots';

function setup(limits: SlotLimits) {
  const granted: string[] = [];
  const tickets = new Map<string, SlotTicket>();
  const slots = createGenerationSlots(() => limits);
  const acquire = (name: string) => {
    const ticket = slots.acquire(() => granted.push(name));
    if (ticket) tickets.set(name, ticket);
    return ticket;
  };
  return { slots, granted, acquire, release: (name: string) => tickets.get(name)!.release() };
}

describe('generation slots', () => {
  it('grants up to the cap at once, then queues in arrival order', () => {
    const { slots, granted, acquire, release } = setup({ maxConcurrency: 2, maxQueue: 10 });
    for (const name of ['a', 'b', 'c', 'd']) acquire(name);
    expect(granted).toEqual(['a', 'b']);
    expect([slots.active(), slots.queued()]).toEqual([2, 2]);
    release('b');
    expect(granted).toEqual(['a', 'b', 'c']);
    release('a');
    expect(granted).toEqual(['a', 'b', 'c', 'd']);
    expect([slots.active(), slots.queued()]).toEqual([2, 0]);
  });

  it('refuses beyond the queue cap without queueing', () => {
    const { slots, acquire } = setup({ maxConcurrency: 1, maxQueue: 1 });
    expect(acquire('a')).toBeDefined();
    expect(acquire('b')).toBeDefined();
    expect(acquire('c')).toBeUndefined();
    expect(slots.queued()).toBe(1);
  });

  it('drops a waiter that leaves the queue and never grants it', () => {
    const { slots, granted, acquire, release } = setup({ maxConcurrency: 1, maxQueue: 5 });
    acquire('a');
    acquire('b');
    acquire('c');
    release('b');
    expect(slots.queued()).toBe(1);
    release('a');
    expect(granted).toEqual(['a', 'c']);
  });

  it('counts a double release once', () => {
    const { slots, granted, acquire, release } = setup({ maxConcurrency: 1, maxQueue: 5 });
    acquire('a');
    acquire('b');
    acquire('c');
    release('a');
    release('a');
    expect(granted).toEqual(['a', 'b']);
    expect([slots.active(), slots.queued()]).toEqual([1, 1]);
  });

  it('grants waiters when the cap is raised', () => {
    const limits = { maxConcurrency: 1, maxQueue: 5 };
    const { slots, granted, acquire } = setup(limits);
    acquire('a');
    acquire('b');
    acquire('c');
    limits.maxConcurrency = 3;
    slots.refill();
    expect(granted).toEqual(['a', 'b', 'c']);
  });
});
