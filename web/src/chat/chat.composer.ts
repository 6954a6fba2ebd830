import type { AppContext } from '../app/app.context';
import { h } from '../app/dom';

export interface Composer {
  element: HTMLFormElement;
  input: HTMLTextAreaElement;
  /** Swaps Send for Stop while a reply streams; focus goes back to the text box if Stop had it. */
  setStreaming(streaming: boolean): void;
}

export interface ComposerDeps {
  ctx: AppContext;
  /** Sends the message; the box is cleared when this resolves, and its error is shown when it throws. */
  send: (content: string) => Promise<void>;
  /** Asks for the streaming reply to stop; the reply's own stream reports when it has. */
  stop: () => Promise<void>;
}

export function createComposer(deps: ComposerDeps): Composer {
  const { t } = deps.ctx.i18n;
  const input = h('textarea', {
    id: 'composer-input',
    class: 'input composer-input',
    rows: 2,
    'aria-describedby': 'composer-hint',
    'data-testid': 'composer-input',
  });
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
  const error = h('p', { role: 'alert', class: 'error', 'data-testid': 'composer-error' });
  const element = h(
    'form',
    { class: 'composer' },
    h('label', { for: 'composer-input', class: 'visually-hidden' }, t('chat.messageLabel')),
    input,
    h('div', { class: 'composer-actions' }, send, stop),
    h('p', { id: 'composer-hint', class: 'hint muted' }, t('chat.hint')),
    error,
  );

  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!stop.hidden || send.disabled) return;
    const content = input.value.trim();
    if (!content) {
      error.textContent = t('chat.emptyMessage');
      input.focus();
      return;
    }
    send.disabled = true;
    try {
      await deps.send(content);
      input.value = '';
    } catch (err) {
      error.textContent = deps.ctx.describeError(err);
    } finally {
      send.disabled = false;
    }
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
      error.textContent = deps.ctx.describeError(err);
      stop.disabled = false;
      stop.textContent = t('chat.stop');
    }
  });

  return {
    element,
    input,
    setStreaming(streaming) {
      const stopHadFocus = deps.ctx.window.document.activeElement === stop;
      send.hidden = streaming;
      stop.hidden = !streaming;
      stop.disabled = false;
      stop.textContent = t('chat.stop');
      if (stopHadFocus && !streaming) input.focus();
    },
  };
}
