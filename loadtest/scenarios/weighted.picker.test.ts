import { describe, expect, it } from 'vitest';
import { createWeightedPicker } from './weighted.picker';

describe('createWeightedPicker', () => {
  it('gives exactly the weights over every full cycle, spread out', () => {
    const pick = createWeightedPicker(
      new Map([
        ['chat', 3],
        ['survey', 1],
      ] as const),
    );
    const picks = Array.from({ length: 8 }, () => pick());
    expect(picks.filter((p) => p === 'chat')).toHaveLength(6);
    expect(picks.slice(0, 4).filter((p) => p === 'survey')).toHaveLength(1);
  });
  it('skips zero weights and refuses all-zero', () => {
    const pick = createWeightedPicker(
      new Map([
        ['chat', 0],
        ['survey', 2],
      ] as const),
    );
    expect(new Set(Array.from({ length: 5 }, () => pick()))).toEqual(new Set(['survey']));
    expect(() => createWeightedPicker(new Map([['chat', 0]]))).toThrow(/> 0/);
  });
});
