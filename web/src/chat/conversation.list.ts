import { type Conversation, personaName } from '../api/api.types';
import type { AppContext } from '../app/app.context';
import { h } from '../app/dom';

export interface ConversationList {
  element: HTMLElement;
  /** Reloads the list; resolves with what it shows (empty after a failure, which it reports itself). */
  refresh(): Promise<Conversation[]>;
}

export function conversationTitle(ctx: AppContext, conversation: Conversation): string {
  return (
    conversation.title ?? ctx.i18n.t('chat.untitled', { date: ctx.i18n.formatDate(conversation.createdAt) })
  );
}

/** Starts a conversation with the user's persona and opens it. */
export function newConversationButton(ctx: AppContext, error: HTMLElement): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'button button-primary', 'data-testid': 'new-conversation' },
    ctx.i18n.t('chat.new'),
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    error.textContent = '';
    try {
      const created = await ctx.api.post<Pick<Conversation, 'id'>>('/api/conversations');
      ctx.navigate({ name: 'chat', conversationId: String(created.id) });
    } catch (err) {
      error.textContent = ctx.describeError(err);
      button.disabled = false;
    }
  });
  return button;
}

export function createConversationList(ctx: AppContext, selectedId: string | null): ConversationList {
  const { t } = ctx.i18n;
  const error = h('p', { role: 'alert', class: 'error' });
  const list = h('ul', { class: 'conversation-list', 'data-testid': 'conversation-list' });
  const element = h(
    'nav',
    { class: 'chat-sidebar', 'aria-labelledby': 'conversations-heading' },
    h(
      'div',
      { class: 'sidebar-header' },
      h('h2', { id: 'conversations-heading' }, t('chat.conversations')),
      newConversationButton(ctx, error),
    ),
    error,
    list,
  );

  async function refresh(): Promise<Conversation[]> {
    try {
      const { conversations } = await ctx.api.get<{ conversations: Conversation[] }>('/api/conversations');
      list.replaceChildren(
        ...conversations.map((conversation) => {
          const id = String(conversation.id);
          const persona = personaName(conversation.persona);
          return h(
            'li',
            null,
            h(
              'a',
              {
                href: `#/chat/${encodeURIComponent(id)}`,
                class: 'conversation-link',
                'aria-current': id === selectedId ? 'page' : null,
                'data-conversation-id': id,
              },
              h('span', { class: 'conversation-title' }, conversationTitle(ctx, conversation)),
              persona ? h('span', { class: 'conversation-persona' }, persona) : null,
            ),
          );
        }),
      );
      if (conversations.length === 0) list.replaceChildren(h('li', { class: 'muted' }, t('chat.empty')));
      return conversations;
    } catch (err) {
      error.textContent = ctx.describeError(err);
      return [];
    }
  }

  return { element, refresh };
}
