import type { AppContext, Cleanup } from '../app/app.context';
import { h } from '../app/dom';
import { createConversationList, newConversationLink } from './conversation.list';
import { renderConversation } from './conversation.view';

/** Opens a conversation that does not exist yet; its first message creates it. */
export const NEW_CONVERSATION = Symbol('new conversation');

/**
 * The conversation list beside (or, on a phone, instead of) the open conversation: one by id,
 * a new one, or (null) none.
 */
export function renderChat(
  ctx: AppContext,
  outlet: HTMLElement,
  target: string | typeof NEW_CONVERSATION | null,
): Cleanup {
  const { t } = ctx.i18n;
  const conversationId = typeof target === 'string' ? target : null;
  const list = createConversationList(ctx, conversationId);
  const heading = h(
    'h1',
    { tabindex: -1, id: 'chat-heading', class: 'chat-title', 'data-testid': 'chat-title' },
    t(target === NEW_CONVERSATION ? 'chat.draftTitle' : 'chat.title'),
  );
  const main = h('section', { class: 'chat-main', 'aria-labelledby': 'chat-heading' });
  outlet.replaceChildren(
    h('div', { class: target === null ? 'chat chat-closed' : 'chat chat-open' }, list.element, main),
  );
  const personaNotice = ctx.user?.persona
    ? null
    : h('p', { class: 'notice' }, h('a', { href: '#/survey' }, t('chat.needPersona')));

  if (target === null) {
    main.append(
      heading,
      personaNotice ?? '',
      h('p', { class: 'muted' }, t('chat.pick')),
      newConversationLink(ctx),
    );
    void list.refresh();
    return () => {};
  }
  return renderConversation(ctx, { main, heading, list, personaNotice }, conversationId);
}
