import { describe, expect, it } from 'vitest';
import { isStreamId } from './reply.events';

describe('isStreamId', () => {
  it('accepts the ids Redis accepts', () => {
    for (const id of ['0-0', '1700000000000-3', '18446744073709551615-18446744073709551615'])
      expect(isStreamId(id), id).toBe(true);
  });

  it('refuses ids Redis would reject, which would fail the shared XREAD of every stream', () => {
    for (const id of [
      '18446744073709551616-0',
      '0-18446744073709551616',
      '99999999999999999999-0',
      '1',
      '-1-0',
      '1-',
      'a-b',
      '',
    ])
      expect(isStreamId(id), id).toBe(false);
  });
});
