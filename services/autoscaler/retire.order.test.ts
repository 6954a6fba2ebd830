import { describe, expect, it } from 'vitest';
import { type RetireCandidate, retireOrder } from './retire.order';

const running = (id: string, seq: number, inFlight: number | undefined): RetireCandidate => ({
  id,
  seq,
  state: 'running',
  inFlight,
});

describe('retire order', () => {
  it('puts the idle first, newest first, then the least busy', () => {
    const order = retireOrder([
      running('a', 1, 0),
      running('b', 2, 4),
      running('c', 3, 0),
      running('d', 4, 1),
    ]);
    expect(order.map((c) => c.id)).toEqual(['c', 'a', 'd', 'b']);
  });

  it('puts workers of unknown load after the known, newest first among them', () => {
    const order = retireOrder([running('a', 1, undefined), running('b', 2, 3), running('c', 3, undefined)]);
    expect(order.map((c) => c.id)).toEqual(['b', 'c', 'a']);
  });

  it('puts a pending restart and a start before any running worker', () => {
    const order = retireOrder([
      running('a', 1, 0),
      { id: 'b', seq: 2, state: 'starting', inFlight: undefined },
      { id: 'c', seq: 3, state: 'backoff', inFlight: undefined },
      { id: 'd', seq: 4, state: 'starting', inFlight: 0 },
    ]);
    expect(order.map((c) => c.id)).toEqual(['c', 'd', 'b', 'a']);
  });
});
