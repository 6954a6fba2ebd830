import type { Conversation } from '../api/api.types';
import type { AppContext } from '../app/app.context';
import { h } from '../app/dom';
import { routeHref } from '../app/router';

export interface ConversationList {
  element: HTMLElement;
  /** Reloads the list; resolves with what it shows (empty after a failure, which it reports itself). */
  refresh(): Promise<Conversation[]>;
  /** Marks the open conversation (a new one gets its id only when its first message is sent). */
  select(id: string | null): void;
}

/** The stored title; conversations from before titles existed are named by their date. */
export function conversationTitle(ctx: AppContext, conversation: Conversation): string {
  return (
    conversation.title ?? ctx.i18n.t('chat.untitled', { date: ctx.i18n.formatDate(conversation.createdAt) })
  );
}

/**
 * Opens an empty conversation. Nothing is created on the server until its first message is
 * sent, so clicking this twice leaves no empty conversations behind.
 */
export function newConversationLink(ctx: AppContext): HTMLAnchorElement {
  return h(
    'a',
    {
      href: routeHref({ name: 'newChat' }),
      class: 'button button-primary',
      'data-testid': 'new-conversation',
    },
    ctx.i18n.t('chat.new'),
  );
}

export function createConversationList(ctx: AppContext, selectedId: string | null): ConversationList {
  const { t } = ctx.i18n;
  let selected = selectedId;
  const error = h('p', { role: 'alert', class: 'error' });
  const list = h('ul', { class: 'conversation-list', 'data-testid': 'conversation-list' });
  const element = h(
    'nav',
    { class: 'chat-sidebar', 'aria-labelledby': 'conversations-heading' },
    h(
      'div',
      { class: 'sidebar-header' },
      h('h2', { id: 'conversations-heading' }, t('chat.conversations')),
      newConversationLink(ctx),
    ),
    error,
    list,
  );

  function markSelected() {
    for (const link of list.querySelectorAll<HTMLAnchorElement>('a[data-conversation-id]')) {
      if (link.dataset.conversationId === selected) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  async function refresh(): Promise<Conversation[]> {
    try {
      const { conversations } = await ctx.api.get<{ conversations: Conversation[] }>('/api/conversations');
      error.textContent = '';
      list.replaceChildren(
        ...conversations.map((conversation) =>
          h(
            'li',
            null,
            h(
              'a',
              {
                href: routeHref({ name: 'chat', conversationId: conversation.id }),
                class: 'conversation-link',
                'data-conversation-id': conversation.id,
              },
              h('span', { class: 'conversation-title' }, conversationTitle(ctx, conversation)),
              h('span', { class: 'conversation-persona' }, conversation.persona.name),
            ),
          ),
        ),
      );
      if (conversations.length === 0) list.replaceChildren(h('li', { class: 'muted' }, t('chat.empty')));
      markSelected();
      return conversations;
    } catch (err) {
      error.textContent = ctx.describeError(err);
      return [];
    }
  }

  return {
    element,
    refresh,
    select(id) {
      selected = id;
      markSelected();
    },
  };
}
