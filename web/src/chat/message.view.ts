import type { MessageStatus } from '../api/api.types';
import { h } from '../app/dom';
import type { I18n } from '../i18n/i18n';

export interface AssistantMessageView {
  element: HTMLLIElement;
  /** Shows the reply text; renders at most once per frame while tokens pour in. */
  setText(text: string): void;
  setStatus(status: MessageStatus, detail?: string | null): void;
  /** Offers a retry: following the stream again, or sending a failed reply's question again. */
  offerRetry(label: string, retry: () => void): void;
}

export function renderUserMessage(content: string, i18n: I18n): HTMLLIElement {
  return h(
    'li',
    { class: 'msg msg-user', 'data-testid': 'message', 'data-role': 'user' },
    h('p', { class: 'visually-hidden' }, i18n.t('chat.you')),
    // User text is plain text: shown exactly as typed, never interpreted.
    h('div', { class: 'msg-body msg-plain', 'data-testid': 'message-text' }, content),
  );
}

export interface AssistantMessageDeps {
  i18n: I18n;
  window: Window & typeof globalThis;
  renderMarkdown: (source: string) => DocumentFragment;
  author: string;
}

export function renderAssistantMessage(
  deps: AssistantMessageDeps,
  replyId: string | null,
): AssistantMessageView {
  const { i18n } = deps;
  const body = h('div', { class: 'msg-body markdown', 'data-testid': 'message-text' });
  const state = h('p', { class: 'msg-state', 'data-testid': 'message-state' });
  const element = h(
    'li',
    {
      class: 'msg msg-assistant',
      'data-testid': 'message',
      'data-role': 'assistant',
      'data-reply-id': replyId,
    },
    h('p', { class: 'msg-author' }, deps.author),
    body,
    state,
  );
  let pending: string | null = null;
  let frame = 0;

  function flush() {
    deps.window.cancelAnimationFrame(frame);
    frame = 0;
    if (pending === null) return;
    body.replaceChildren(deps.renderMarkdown(pending));
    pending = null;
  }

  return {
    element,
    setText(text) {
      pending = text;
      if (frame === 0) frame = deps.window.requestAnimationFrame(flush);
    },
    setStatus(status, detail) {
      // The final text must be on screen by the time the status says the reply ended.
      flush();
      element.dataset.status = status;
      element.setAttribute('aria-busy', String(status === 'streaming'));
      const label =
        status === 'streaming'
          ? i18n.t('chat.replying')
          : status === 'cancelled'
            ? i18n.t('chat.cancelled')
            : status === 'failed'
              ? i18n.t('chat.failed')
              : '';
      state.className = `msg-state msg-state-${status}`;
      // A failure's own words (what went wrong) replace the bare "could not be finished".
      state.replaceChildren(status === 'failed' && detail ? detail : label);
    },
    offerRetry(label, retry) {
      const button = h('button', { type: 'button', class: 'button button-small' }, label);
      button.addEventListener('click', () => {
        button.remove();
        retry();
      });
      state.append(' ', button);
    },
  };
}
