import type { AppContext } from '../app/app.context';
import { h } from '../app/dom';
import { removeKeysWithPrefix } from '../app/storage';
import { counterState, MESSAGE_MAX_CHARS, messageLength } from './message.limit';

export interface Composer {
  element: HTMLFormElement;
  input: HTMLTextAreaElement;
  /** Swaps Send for Stop while a reply streams; focus goes back to the text box if Stop had it. */
  setStreaming(streaming: boolean): void;
  /** Sends `content` again as a new message (a failed reply's retry), leaving the text box alone. */
  resend(content: string): Promise<boolean>;
  /** Where the unsent text is kept from now on (a new conversation gets its id on the first send). */
  setDraftKey(key: string): void;
}

export interface ComposerDeps {
  ctx: AppContext;
  /** Names where unsent text is kept in the session, so a reload or a failed send never loses it. */
  draftKey: string;
  /** Sends the message; the box is cleared when this resolves, and its error is shown when it throws. */
  send: (content: string) => Promise<void>;
  /** Asks for the streaming reply to stop; the reply's own stream reports when it has. */
  stop: () => Promise<void>;
}

const DRAFT_PREFIX = 'aira.draft.';

export function createComposer(deps: ComposerDeps): Composer {
  const { ctx } = deps;
  const { t } = ctx.i18n;
  const max = MESSAGE_MAX_CHARS;
  let draftKey = DRAFT_PREFIX + deps.draftKey;
  const input = h('textarea', {
    id: 'composer-input',
    class: 'input composer-input',
    rows: 2,
    'aria-describedby': 'composer-hint composer-counter',
    'data-testid': 'composer-input',
  });
  input.value = readDraft(ctx.session, draftKey);
  const send = h(
    'button',
    { type: 'submit', class: 'button button-primary', 'data-testid': 'send' },
    t('chat.send'),
  );
  const stop = h(
    'button',
    { type: 'button', class: 'button button-danger', hidden: true, 'data-testid': 'stop' },
    t('chat.stop'),
  );
  const counter = h('span', { id: 'composer-counter', class: 'counter', 'data-testid': 'composer-counter' });
  const error = h('p', { role: 'alert', class: 'error', 'data-testid': 'composer-error' });
  const element = h(
    'form',
    { class: 'composer' },
    h('label', { for: 'composer-input', class: 'visually-hidden' }, t('chat.messageLabel')),
    input,
    h('div', { class: 'composer-actions' }, send, stop),
    h(
      'div',
      { class: 'composer-meta' },
      h(
        'p',
        { id: 'composer-hint', class: 'hint muted' },
        t('chat.hint', { max: ctx.i18n.formatNumber(max) }),
      ),
      counter,
    ),
    error,
  );

  function showCount() {
    const length = messageLength(input.value);
    const state = counterState(length, max);
    counter.hidden = state === 'hidden';
    counter.classList.toggle('counter-over', state === 'over');
    counter.textContent = t('chat.counter', {
      count: ctx.i18n.formatNumber(length),
      max: ctx.i18n.formatNumber(max),
    });
  }
  showCount();

  /** Sends one message; resolves with whether it went out (a refusal is shown, not thrown). */
  async function deliver(content: string, fromBox: boolean): Promise<boolean> {
    error.textContent = '';
    if (!stop.hidden) {
      // Enter while a reply streams: say why nothing is sent rather than doing nothing.
      error.textContent = t('chat.waitForReply');
      return false;
    }
    if (send.disabled) return false;
    if (!content) {
      error.textContent = t('chat.emptyMessage');
      input.focus();
      return false;
    }
    const length = messageLength(content);
    if (length > max) {
      error.textContent = t('chat.tooLong', {
        max: ctx.i18n.formatNumber(max),
        count: ctx.i18n.formatNumber(length),
      });
      input.focus();
      return false;
    }
    send.disabled = true;
    try {
      await deps.send(content);
      if (fromBox) {
        input.value = '';
        writeDraft(ctx.session, draftKey, '');
        showCount();
      }
      return true;
    } catch (err) {
      // The text stays in the box (and in the draft) for another try.
      error.textContent = ctx.describeError(err);
      return false;
    } finally {
      send.disabled = false;
    }
  }

  element.addEventListener('submit', (event) => {
    event.preventDefault();
    void deliver(input.value.trim(), true);
  });
  input.addEventListener('input', () => {
    writeDraft(ctx.session, draftKey, input.value);
    showCount();
  });
  input.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter is a new line; the Enter that ends an IME composition (Korean) is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      element.requestSubmit();
    }
  });
  stop.addEventListener('click', async () => {
    stop.disabled = true;
    stop.textContent = t('chat.stopping');
    error.textContent = '';
    try {
      await deps.stop();
    } catch (err) {
      error.textContent = ctx.describeError(err);
      stop.disabled = false;
      stop.textContent = t('chat.stop');
    }
  });

  return {
    element,
    input,
    setStreaming(streaming) {
      const stopHadFocus = ctx.window.document.activeElement === stop;
      send.hidden = streaming;
      stop.hidden = !streaming;
      stop.disabled = false;
      stop.textContent = t('chat.stop');
      if (!streaming && error.textContent === t('chat.waitForReply')) error.textContent = '';
      if (stopHadFocus && !streaming) input.focus();
    },
    resend: (content) => deliver(content, false),
    setDraftKey(key) {
      const next = DRAFT_PREFIX + key;
      if (next === draftKey) return;
      writeDraft(ctx.session, draftKey, '');
      draftKey = next;
      writeDraft(ctx.session, draftKey, input.value);
    },
  };
}

/** Forgets every unsent text (logging out). */
export function clearDrafts(storage: Storage): void {
  removeKeysWithPrefix(storage, DRAFT_PREFIX);
}

function readDraft(storage: Storage, key: string): string {
  try {
    return storage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** A full or blocked storage only costs keeping the draft across a reload. */
function writeDraft(storage: Storage, key: string, text: string): void {
  try {
    if (text) storage.setItem(key, text);
    else storage.removeItem(key);
  } catch {}
}
