import { describe, expect, it } from 'vitest';
import { humanize } from './log.prefix';

describe('humanize', () => {
  it('turns a pino line into level, message and the remaining fields', () => {
    const line = JSON.stringify({ level: 40, time: 1, service: 'gateway', msg: 'slow', route: '/x' });
    expect(humanize(line)).toBe('warn  slow {"route":"/x"}');
  });

  it('passes other lines through', () => {
    expect(humanize('plain text')).toBe('plain text');
    expect(humanize('{not json')).toBe('{not json');
  });
});
