import { ApiError } from '../api/api.client';
import { type Conversation, type Message, personaName, type SendMessageResponse } from '../api/api.types';
import type { AppContext, Cleanup } from '../app/app.context';
import { h } from '../app/dom';
import { createComposer } from './chat.composer';
import { conversationTitle, createConversationList, newConversationButton } from './conversation.list';
import { createMarkdownRenderer } from './markdown';
import { type AssistantMessageView, renderAssistantMessage, renderUserMessage } from './message.view';
import { createReplyAnnouncer } from './reply.announcer';
import { followReply, type ReplyFollower } from './reply.follower';
import {
  listReplyProgress,
  type ReplyProgress,
  removeReplyProgress,
  saveReplyProgress,
} from './reply.progress';

/** The conversation list beside (or, on a phone, instead of) the open conversation. */
export function renderChat(ctx: AppContext, outlet: HTMLElement, conversationId: string | null): Cleanup {
  const { t } = ctx.i18n;
  const list = createConversationList(ctx, conversationId);
  const heading = h(
    'h1',
    { tabindex: -1, class: 'chat-title', 'data-testid': 'chat-title' },
    t('chat.title'),
  );
  const main = h('section', { class: 'chat-main', 'aria-labelledby': 'chat-heading' });
  heading.id = 'chat-heading';
  outlet.replaceChildren(
    h('div', { class: conversationId ? 'chat chat-open' : 'chat chat-closed' }, list.element, main),
  );
  const personaNotice = ctx.user?.persona
    ? null
    : h('p', { class: 'notice' }, h('a', { href: '#/survey' }, t('chat.needPersona')));

  if (conversationId === null) {
    const error = h('p', { role: 'alert', class: 'error' });
    main.append(
      heading,
      personaNotice ?? '',
      h('p', { class: 'muted' }, t('chat.pick')),
      newConversationButton(ctx, error),
      error,
    );
    void list.refresh();
    return () => {};
  }
  return renderConversation(ctx, { main, heading, list, personaNotice }, conversationId);
}

interface ConversationParts {
  main: HTMLElement;
  heading: HTMLHeadingElement;
  list: ReturnType<typeof createConversationList>;
  personaNotice: HTMLElement | null;
}

function renderConversation(ctx: AppContext, parts: ConversationParts, conversationId: string): Cleanup {
  const { t } = ctx.i18n;
  const renderMarkdown = createMarkdownRenderer(ctx.window);
  const followers = new Set<ReplyFollower>();
  let active: ReplyFollower | null = null;
  let author = ctx.user?.persona?.name ?? 'Aira';
  let left = false;

  const messages = h('ol', {
    class: 'messages',
    'aria-label': t('chat.messages'),
    'data-testid': 'messages',
  });
  const connection = h('p', { class: 'connection', role: 'status', 'data-testid': 'connection-status' });
  const live = h('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'reply-live' });
  const announcer = createReplyAnnouncer(live);
  const composer = createComposer({
    ctx,
    send: sendMessage,
    stop: async () => {
      if (active) await ctx.api.post(`/api/replies/${encodeURIComponent(active.replyId)}/cancel`);
    },
  });
  parts.main.append(
    h(
      'div',
      { class: 'chat-header' },
      h('a', { href: '#/chat', class: 'back-link' }, t('chat.backToList')),
      parts.heading,
    ),
    parts.personaNotice ?? '',
    messages,
    connection,
    live,
    composer.element,
  );

  function scrollToEnd(force: boolean) {
    const nearEnd = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    if (force || nearEnd) messages.scrollTop = messages.scrollHeight;
  }

  function assistantView(replyId: string | null): AssistantMessageView {
    const view = renderAssistantMessage(
      { i18n: ctx.i18n, window: ctx.window, renderMarkdown, author },
      replyId,
    );
    const setText = view.setText;
    view.setText = (text) => {
      setText(text);
      ctx.window.requestAnimationFrame(() => scrollToEnd(false));
    };
    return view;
  }

  function follow(view: AssistantMessageView, progress: ReplyProgress) {
    const follower = followReply(
      {
        ctx,
        view,
        announcer,
        connection,
        onSettled: () => {
          followers.delete(follower);
          if (active !== follower) return;
          active = null;
          composer.setStreaming(false);
          // A first reply may have given the conversation its title.
          void parts.list.refresh().then(showTitle);
        },
      },
      progress,
    );
    followers.add(follower);
    active = follower;
    composer.setStreaming(true);
  }

  function showTitle(conversations: Conversation[]) {
    const conversation = conversations.find((c) => String(c.id) === conversationId);
    if (!conversation || left) return;
    parts.heading.textContent = conversationTitle(ctx, conversation);
    author = personaName(conversation.persona) ?? author;
    ctx.window.document.title = `${parts.heading.textContent} · Aira`;
  }

  async function load() {
    const [conversations, history] = await Promise.all([
      parts.list.refresh(),
      ctx.api
        .get<{ messages: Message[] }>(`/api/conversations/${encodeURIComponent(conversationId)}/messages`)
        .then(
          (body) => ({ ok: true as const, messages: body.messages }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
    ]);
    if (left) return;
    showTitle(conversations);
    if (!history.ok) {
      const notFound = history.error instanceof ApiError && history.error.status === 404;
      messages.replaceChildren(
        h(
          'li',
          { role: 'alert', class: 'error' },
          notFound ? t('chat.notFound') : ctx.describeError(history.error),
        ),
      );
      composer.element.hidden = notFound;
      return;
    }
    showHistory(history.messages);
  }

  function showHistory(history: Message[]) {
    const pending = new Map(listReplyProgress(ctx.session, conversationId).map((p) => [p.replyId, p]));
    const userIds = new Set(history.filter((m) => m.role === 'user').map((m) => String(m.id)));
    const greeting = ctx.user?.persona?.greeting;
    if (history.length === 0 && greeting) {
      messages.append(
        h(
          'li',
          { class: 'msg msg-assistant msg-greeting' },
          h('p', { class: 'msg-author' }, author),
          greeting,
        ),
      );
    }
    for (const message of history) {
      if (message.role === 'user') {
        messages.append(renderUserMessage(message.content, ctx.i18n));
        continue;
      }
      const replyId = message.replyId === null ? null : String(message.replyId);
      const view = assistantView(replyId);
      messages.append(view.element);
      const progress = replyId ? pending.get(replyId) : undefined;
      if (replyId) pending.delete(replyId);
      if (message.status === 'streaming' && replyId) {
        // Text shown before the reload comes from this tab's progress; without it the stream replays from the start.
        follow(view, progress ?? newProgress(conversationId, replyId, null));
      } else {
        if (replyId) removeReplyProgress(ctx.session, replyId);
        view.setText(message.content);
        view.setStatus(message.status);
      }
    }
    // Turns this tab started that the history does not list yet (their writes are still queued).
    for (const progress of pending.values()) {
      if (progress.userContent !== null && !userIds.has(String(progress.userMessageId))) {
        messages.append(renderUserMessage(progress.userContent, ctx.i18n));
      }
      const view = assistantView(progress.replyId);
      messages.append(view.element);
      follow(view, progress);
    }
    scrollToEnd(true);
  }

  async function sendMessage(content: string) {
    const sent = await ctx.api.post<SendMessageResponse>(
      `/api/conversations/${encodeURIComponent(conversationId)}/messages`,
      { content },
    );
    if (left) return;
    const progress: ReplyProgress = {
      ...newProgress(conversationId, String(sent.replyId), sent.streamUrl),
      userMessageId: String(sent.userMessageId),
      userContent: content,
    };
    saveReplyProgress(ctx.session, progress);
    messages.querySelector('.msg-greeting')?.remove();
    messages.append(renderUserMessage(content, ctx.i18n));
    const view = assistantView(progress.replyId);
    messages.append(view.element);
    scrollToEnd(true);
    follow(view, progress);
  }

  void load();
  return () => {
    left = true;
    for (const follower of followers) follower.close();
  };
}

function newProgress(conversationId: string, replyId: string, streamUrl: string | null): ReplyProgress {
  return {
    replyId,
    conversationId,
    lastEventId: null,
    text: '',
    userMessageId: null,
    userContent: null,
    streamUrl,
  };
}
