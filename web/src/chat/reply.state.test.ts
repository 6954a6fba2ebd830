import { describe, expect, it } from 'vitest';
import { applyReplyEvent, createReplyState } from './reply.state';

describe('reply state', () => {
  it('adds tokens in order and remembers the last event id', () => {
    const state = createReplyState();
    applyReplyEvent(state, { type: 'token', id: '1-0', text: 'Hel' });
    applyReplyEvent(state, { type: 'token', id: '1-1', text: 'lo' });
    expect(state).toMatchObject({ text: 'Hello', lastEventId: '1-1', status: 'streaming' });
  });

  it('ignores an event it has already applied, so a replayed reconnect adds nothing twice', () => {
    const state = createReplyState();
    applyReplyEvent(state, { type: 'token', id: 'a', text: 'one ' });
    applyReplyEvent(state, { type: 'token', id: 'b', text: 'two' });
    expect(applyReplyEvent(state, { type: 'token', id: 'a', text: 'one ' })).toBe(false);
    expect(applyReplyEvent(state, { type: 'token', id: 'b', text: 'two' })).toBe(false);
    expect(state.text).toBe('one two');
    expect(state.lastEventId).toBe('b');
  });

  it('starts over on reset: the retried attempt replaces what was shown', () => {
    const state = createReplyState({ text: 'half an ans', lastEventId: '7' });
    applyReplyEvent(state, { type: 'reset', id: '8' });
    expect(state.text).toBe('');
    applyReplyEvent(state, { type: 'token', id: '9', text: 'A full answer' });
    expect(state.text).toBe('A full answer');
  });

  it('resumes from the text and id kept before a reload', () => {
    const state = createReplyState({ text: 'Once upon', lastEventId: '3' });
    applyReplyEvent(state, { type: 'token', id: '4', text: ' a time' });
    expect(state).toMatchObject({ text: 'Once upon a time', lastEventId: '4' });
  });

  it('ends on done, cancelled or error and ignores anything after the end', () => {
    for (const [event, status] of [
      [{ type: 'done', id: '2' }, 'complete'],
      [{ type: 'cancelled', id: '2' }, 'cancelled'],
      [{ type: 'error', id: '2', code: 'upstream', message: 'The model failed' }, 'failed'],
    ] as const) {
      const state = createReplyState();
      applyReplyEvent(state, { type: 'token', id: '1', text: 'Hi' });
      applyReplyEvent(state, event);
      expect(state.status).toBe(status);
      expect(applyReplyEvent(state, { type: 'token', id: '3', text: ' late' })).toBe(false);
      expect(state.text).toBe('Hi');
    }
  });

  it('keeps the error words of a failed reply', () => {
    const state = createReplyState();
    applyReplyEvent(state, { type: 'error', id: '1', code: 'rate_limited', message: 'Too many requests' });
    expect(state.error).toEqual({ code: 'rate_limited', message: 'Too many requests' });
  });
});
