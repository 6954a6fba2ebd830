import { describe, expect, it } from 'vitest';
import { counterState, MESSAGE_MAX_CHARS, messageLength } from './message.limit';

describe('the message limit', () => {
  it('counts code points of the trimmed text, as the gateway does', () => {
    expect(messageLength('  안녕  ')).toBe(2);
    // One emoji is two UTF-16 units but one code point.
    expect(messageLength('😀😀')).toBe(2);
    expect(messageLength('a\nb')).toBe(3);
  });

  it('shows the counter only near the limit, and says when it is crossed', () => {
    expect(MESSAGE_MAX_CHARS).toBe(4000);
    expect(counterState(3199)).toBe('hidden');
    expect(counterState(3200)).toBe('near');
    expect(counterState(4000)).toBe('near');
    expect(counterState(4001)).toBe('over');
  });
});
