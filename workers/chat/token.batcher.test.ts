import { describe, expect, it, vi } from 'vitest';
import { createTokenBatcher } from './token.batcher';

describe('token batcher', () => {
  it('sends the first token at once and batches the rest within the interval', async () => {
    vi.useFakeTimers();
    const flushed: string[] = [];
    const batcher = createTokenBatcher({ intervalMs: 20, flush: (t) => void flushed.push(t) });
    batcher.push('Hello');
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toEqual(['Hello']);
    batcher.push(' wor');
    batcher.push('ld');
    await vi.advanceTimersByTimeAsync(19);
    expect(flushed).toEqual(['Hello']);
    await vi.advanceTimersByTimeAsync(1);
    expect(flushed).toEqual(['Hello', ' world']);
    batcher.push('!');
    await batcher.drain();
    expect(flushed).toEqual(['Hello', ' world', '!']);
    vi.useRealTimers();
  });

  it('keeps batches in order even when a flush is slow', async () => {
    const flushed: string[] = [];
    const batcher = createTokenBatcher({
      intervalMs: 0,
      flush: async (t) => {
        await new Promise((r) => setTimeout(r, t === 'a' ? 20 : 0));
        flushed.push(t);
      },
    });
    batcher.push('a');
    batcher.push('b');
    await batcher.drain();
    expect(flushed).toEqual(['a', 'b']);
  });

  it('surfaces a failed flush to the caller', async () => {
    const batcher = createTokenBatcher({
      intervalMs: 0,
      flush: () => {
        throw new Error('redis down');
      },
    });
    batcher.push('a');
    await expect(batcher.drain()).rejects.toThrow('redis down');
  });
});
