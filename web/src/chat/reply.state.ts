/**
 * What a reply looks like after the stream events seen so far. Kept free of the DOM and of
 * EventSource so the no-duplicates rules can be checked on their own.
 */
export type ReplyStatus = 'streaming' | 'complete' | 'cancelled' | 'failed';

export type ReplyEvent =
  | { type: 'token'; id: string; text: string }
  | { type: 'reset'; id: string }
  | { type: 'done'; id: string }
  | { type: 'cancelled'; id: string }
  | { type: 'error'; id: string; code: string; message: string };

export interface ReplyState {
  text: string;
  status: ReplyStatus;
  /** The id of the last event applied: what a reconnect resumes after. */
  lastEventId: string | null;
  error: { code: string; message: string } | null;
  /**
   * Ids already applied in this page. A reconnect that replays from an older id (say the
   * gateway honours a stale `?lastEventId` over the newer `Last-Event-ID` header) then cannot
   * add the same text twice. Event ids are opaque, so they are remembered, not compared.
   */
  seen: Set<string>;
}

export function createReplyState(resume?: { text: string; lastEventId: string | null }): ReplyState {
  return {
    text: resume?.text ?? '',
    status: 'streaming',
    lastEventId: resume?.lastEventId ?? null,
    error: null,
    seen: new Set(),
  };
}

/** Applies one event in place; returns false when it changed nothing (a duplicate, or after the end). */
export function applyReplyEvent(state: ReplyState, event: ReplyEvent): boolean {
  if (state.status !== 'streaming') return false;
  if (event.id !== '') {
    if (state.seen.has(event.id)) return false;
    state.seen.add(event.id);
    state.lastEventId = event.id;
  }
  switch (event.type) {
    case 'token':
      state.text += event.text;
      break;
    case 'reset':
      // A retried attempt starts the reply over; what was shown belonged to the failed attempt.
      state.text = '';
      break;
    case 'done':
      state.status = 'complete';
      break;
    case 'cancelled':
      state.status = 'cancelled';
      break;
    case 'error':
      state.status = 'failed';
      state.error = { code: event.code, message: event.message };
      break;
  }
  return true;
}
