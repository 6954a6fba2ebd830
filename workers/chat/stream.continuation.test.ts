import { describe, expect, it } from 'vitest';
import { createContinuation } from './stream.continuation';

const apply = (streamed: string, writes: { reset: boolean; write: string }[]) =>
  writes.reduce((text, w) => (w.reset ? w.write : text + w.write), streamed);

describe('stream continuation', () => {
  it('writes everything on a first attempt', () => {
    const c = createContinuation('');
    const writes = ['Hel', 'lo'].map((t) => c.next(t));
    expect(apply('', writes)).toBe('Hello');
    expect(writes.every((w) => !w.reset)).toBe(true);
  });

  it('continues seamlessly when the retry repeats the streamed prefix', () => {
    const c = createContinuation('Hello wo');
    const writes = ['Hel', 'lo', ' wor', 'ld', '!'].map((t) => c.next(t));
    expect(writes.map((w) => w.write)).toEqual(['', '', 'r', 'ld', '!']);
    expect(apply('Hello wo', writes)).toBe('Hello world!');
  });

  it('resets once when the retry diverges', () => {
    const c = createContinuation('Hello wo');
    const writes = ['Hel', 'p me', ' now'].map((t) => c.next(t));
    expect(writes.filter((w) => w.reset)).toHaveLength(1);
    expect(apply('Hello wo', writes)).toBe('Help me now');
    expect(c.text).toBe('Help me now');
  });

  it('flags a retry that ends shorter than what was streamed', () => {
    const c = createContinuation('Hello world');
    c.next('Hello');
    expect(c.needsResetAtEnd).toBe(true);
  });
});
