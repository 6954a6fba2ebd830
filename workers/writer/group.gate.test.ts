import { expect, it } from 'vitest';
import { createGroupGate } from './group.gate';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

it('runs batches of different groups side by side, and one group’s batches one after the other', async () => {
  const through = createGroupGate();
  const log: string[] = [];
  const batch = (name: string, groups: string[], ms: number) =>
    through(groups, async () => {
      log.push(`${name} start`);
      await tick(ms);
      log.push(`${name} end`);
      return name;
    });
  const results = await Promise.all([
    batch('a', ['alice', 'bob'], 20),
    batch('b', ['carol'], 5),
    batch('c', ['bob', 'dave'], 5),
  ]);
  expect(results).toEqual(['a', 'b', 'c']);
  // b shares no group with a and starts at once; c waits for a (bob).
  expect(log.indexOf('b start')).toBeLessThan(log.indexOf('a end'));
  expect(log.indexOf('c start')).toBeGreaterThan(log.indexOf('a end'));
});

it('lets the next batch of a group run after one that failed', async () => {
  const through = createGroupGate();
  const failing = through(['alice'], async () => {
    await tick();
    throw new Error('database down');
  });
  const next = through(['alice'], async () => 'written');
  await expect(failing).rejects.toThrow('database down');
  await expect(next).resolves.toBe('written');
});
