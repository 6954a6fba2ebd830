import { describe, expect, it } from 'vitest';
import { titleFromMessage } from './conversation.title';

describe('a title from the first message', () => {
  it('keeps a short message whole, trimmed, on one line', () => {
    expect(titleFromMessage('  오늘 저녁   뭐 먹지?  ')).toBe('오늘 저녁 뭐 먹지?');
    expect(titleFromMessage('\n\n  Hello there\nsecond line')).toBe('Hello there');
  });

  it('cuts a long one at a word boundary near the limit and marks the cut', () => {
    const title = titleFromMessage('Please tell me a long story about a lighthouse keeper and the sea');
    expect(title).toBe('Please tell me a long story…');
    expect([...title].length).toBeLessThanOrEqual(31);
  });

  it('cuts text without spaces after the limit without splitting a character', () => {
    const title = titleFromMessage('가'.repeat(50));
    expect(title).toBe(`${'가'.repeat(30)}…`);
    // Seven code points each: the server's 100-code-point limit stops it first, between two emoji.
    const emoji = titleFromMessage('👩‍👩‍👧‍👦'.repeat(40));
    expect(emoji).toBe(`${'👩‍👩‍👧‍👦'.repeat(14)}…`);
  });
});
