import { describe, expect, it } from 'vitest';
import { type QueueReading, sharedReadings } from './queues.reader';

describe('sharedReadings', () => {
  const reading: QueueReading[] = [
    { name: 'chat', transport: 'bullmq', states: { waiting: 1 }, backlog: 1, oldestAgeSeconds: 0 },
  ];

  it('reads once for callers within the ttl, again after it', async () => {
    let reads = 0;
    const shared = sharedReadings(
      {
        read: async () => {
          reads++;
          return reading;
        },
      },
      50,
    );
    await Promise.all([shared.read(), shared.read(), shared.read()]);
    expect(reads).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    await shared.read();
    expect(reads).toBe(2);
  });

  it('does not keep a failed read', async () => {
    let reads = 0;
    const shared = sharedReadings(
      {
        read: async () => {
          reads++;
          if (reads === 1) throw new Error('redis down');
          return reading;
        },
      },
      10_000,
    );
    await expect(shared.read()).rejects.toThrow('redis down');
    await expect(shared.read()).resolves.toBe(reading);
  });
});
