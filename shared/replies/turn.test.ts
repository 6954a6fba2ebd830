import { describe, expect, it } from 'vitest';
import { finalEventOf } from './reply.events';
import { mergeMessages } from './turn';

const m = (id: string, role: 'user' | 'assistant', createdAt: number, content = id) => ({
  id,
  role,
  createdAt,
  content,
});

describe('mergeMessages', () => {
  it('keeps one copy per id, the stored one, oldest first, a message before the reply of its instant', () => {
    const stored = [m('r1', 'assistant', 20, 'stored'), m('u1', 'user', 10)];
    const recent = [m('r1', 'assistant', 20, 'recent'), m('r2', 'assistant', 30), m('u2', 'user', 30)];
    expect(mergeMessages(stored, recent).map((x) => [x.id, x.content])).toEqual([
      ['u1', 'u1'],
      ['r1', 'stored'],
      ['u2', 'u2'],
      ['r2', 'r2'],
    ]);
  });
});

describe('finalEventOf', () => {
  const end = { content: 'partial', finishReason: 'stop', usage: null };
  it('maps each way a reply ends to its final stream event', () => {
    expect(finalEventOf({ ...end, status: 'complete' })).toEqual({
      type: 'done',
      data: { finishReason: 'stop', usage: null, timings: undefined },
    });
    expect(finalEventOf({ ...end, status: 'cancelled' })).toEqual({
      type: 'cancelled',
      data: { content: 'partial' },
    });
    expect(finalEventOf({ ...end, status: 'failed' })).toMatchObject({
      type: 'error',
      data: { code: 'llm_failed' },
    });
    const unavailable = { code: 'unavailable', message: 'Try again.' };
    expect(finalEventOf({ ...end, status: 'failed', error: unavailable }).data).toEqual(unavailable);
  });
});
