import { ApiError } from '../api/api.client';
import type {
  Conversation,
  Message,
  NewConversation,
  NewConversationBody,
  SendMessageResponse,
} from '../api/api.types';
import type { AppContext, Cleanup } from '../app/app.context';
import { h } from '../app/dom';
import { routeHref } from '../app/router';
import { createComposer } from './chat.composer';
import { type ConversationList, conversationTitle } from './conversation.list';
import { titleFromMessage } from './conversation.title';
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

export interface ConversationParts {
  main: HTMLElement;
  heading: HTMLHeadingElement;
  list: ConversationList;
  personaNotice: HTMLElement | null;
}

/**
 * One conversation: its persona's greeting on top, the history, the streaming reply and the
 * composer. With `initialId` null it is a new conversation, created (and titled after its first
 * message) only when that message is sent.
 */
export function renderConversation(
  ctx: AppContext,
  parts: ConversationParts,
  initialId: string | null,
): Cleanup {
  const { t } = ctx.i18n;
  const renderMarkdown = createMarkdownRenderer(ctx.window);
  const followers = new Set<ReplyFollower>();
  let conversationId = initialId;
  let active: ReplyFollower | null = null;
  let author = ctx.user?.persona?.name ?? 'Aira';
  let left = false;

  const greeting = h('li', {
    class: 'msg msg-assistant msg-greeting',
    'data-testid': 'greeting',
    hidden: true,
  });
  // Focusable, so a keyboard can scroll the history once it overflows.
  const messages = h(
    'ol',
    { class: 'messages', tabindex: 0, 'aria-label': t('chat.messages'), 'data-testid': 'messages' },
    greeting,
  );
  const connection = h('p', { class: 'connection', role: 'status', 'data-testid': 'connection-status' });
  const live = h('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'reply-live' });
  const announcer = createReplyAnnouncer(live);
  const composer = createComposer({
    ctx,
    draftKey: initialId ?? 'new',
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

  function showGreeting(name: string, text: string | undefined) {
    author = name;
    greeting.hidden = !text;
    greeting.replaceChildren(h('p', { class: 'msg-author' }, name), text ?? '');
  }

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

  /** A failed reply offers to send its question again, as a new message. */
  function offerResend(view: AssistantMessageView, content: string) {
    view.offerRetry(t('common.retry'), async () => {
      if (!(await composer.resend(content))) offerResend(view, content);
    });
  }

  function follow(view: AssistantMessageView, progress: ReplyProgress) {
    const follower = followReply(
      {
        ctx,
        view,
        announcer,
        connection,
        onSettled: (status) => {
          followers.delete(follower);
          if (status === 'failed' && progress.userContent !== null) offerResend(view, progress.userContent);
          if (active !== follower) return;
          active = null;
          composer.setStreaming(false);
        },
      },
      progress,
    );
    followers.add(follower);
    active = follower;
    composer.setStreaming(true);
  }

  function showTitle(conversations: Conversation[]) {
    const conversation = conversations.find((c) => c.id === conversationId);
    if (!conversation || left) return;
    parts.heading.textContent = conversationTitle(ctx, conversation);
    showGreeting(conversation.persona.name, conversation.persona.greeting);
    ctx.window.document.title = `${parts.heading.textContent} · Aira`;
  }

  async function load(id: string) {
    const [conversations, history] = await Promise.all([
      parts.list.refresh(),
      ctx.api.get<{ messages: Message[] }>(`/api/conversations/${encodeURIComponent(id)}/messages`).then(
        (body) => ({ ok: true as const, messages: body.messages }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ]);
    if (left) return;
    showTitle(conversations);
    if (!history.ok) {
      const notFound = history.error instanceof ApiError && history.error.status === 404;
      greeting.hidden = true;
      messages.append(
        h(
          'li',
          { role: 'alert', class: 'error' },
          notFound ? t('chat.notFound') : ctx.describeError(history.error),
        ),
      );
      composer.element.hidden = notFound;
      return;
    }
    showHistory(id, history.messages);
  }

  function showHistory(id: string, history: Message[]) {
    const pending = new Map(listReplyProgress(ctx.session, id).map((p) => [p.replyId, p]));
    const asked = history.filter((m) => m.role === 'user');
    const userIds = new Set(asked.map((m) => m.id));
    const questions = new Map(asked.map((m) => [m.replyId, m.content]));
    const last = history.at(-1);
    for (const message of history) {
      if (message.role === 'user') {
        messages.append(renderUserMessage(message.content, ctx.i18n));
        continue;
      }
      const { replyId } = message;
      const view = assistantView(replyId);
      messages.append(view.element);
      const progress = pending.get(replyId);
      pending.delete(replyId);
      const question = questions.get(replyId) ?? null;
      if (message.status === 'streaming') {
        // Text shown before the reload comes from this tab's progress; without it the stream replays from the start.
        follow(view, progress ?? { ...newProgress(id, replyId, null), userContent: question });
      } else {
        removeReplyProgress(ctx.session, replyId);
        view.setText(message.content);
        view.setStatus(message.status);
        if (message.status === 'failed' && message === last && question !== null) offerResend(view, question);
      }
    }
    // Turns this tab started that the history does not list yet (their writes are still queued).
    for (const progress of pending.values()) {
      if (progress.userContent !== null && !userIds.has(progress.userMessageId ?? '')) {
        messages.append(renderUserMessage(progress.userContent, ctx.i18n));
      }
      const view = assistantView(progress.replyId);
      messages.append(view.element);
      follow(view, progress);
    }
    scrollToEnd(true);
  }

  /** Creates the conversation, titled after its first message, and gives the page its address. */
  async function start(content: string): Promise<string> {
    const body: NewConversationBody = { title: titleFromMessage(content) };
    const created = await ctx.api.post<NewConversation>('/api/conversations', body);
    conversationId = created.id;
    composer.setDraftKey(created.id);
    if (!left) {
      // The address now names the conversation, without re-rendering what is on screen.
      ctx.window.history.replaceState(null, '', routeHref({ name: 'chat', conversationId: created.id }));
      parts.heading.textContent = created.title ?? t('chat.draftTitle');
      ctx.window.document.title = `${parts.heading.textContent} · Aira`;
      parts.list.select(created.id);
      void parts.list.refresh();
    }
    return created.id;
  }

  async function sendMessage(content: string) {
    const id = conversationId ?? (await start(content));
    const sent = await ctx.api.post<SendMessageResponse>(
      `/api/conversations/${encodeURIComponent(id)}/messages`,
      { content },
    );
    if (left) return;
    const progress: ReplyProgress = {
      ...newProgress(id, sent.replyId, sent.streamUrl),
      userMessageId: sent.userMessageId,
      userContent: content,
    };
    saveReplyProgress(ctx.session, progress);
    messages.append(renderUserMessage(content, ctx.i18n));
    const view = assistantView(progress.replyId);
    messages.append(view.element);
    scrollToEnd(true);
    follow(view, progress);
  }

  if (initialId === null) {
    showGreeting(author, ctx.user?.persona?.greeting);
    void parts.list.refresh();
  } else {
    void load(initialId);
  }
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
