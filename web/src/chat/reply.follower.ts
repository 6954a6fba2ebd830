import type { Message, MessageStatus } from '../api/api.types';
import type { AppContext } from '../app/app.context';
import { describeCode } from '../i18n/error.describe';
import type { AssistantMessageView } from './message.view';
import type { ReplyAnnouncer } from './reply.announcer';
import { type ReplyProgress, removeReplyProgress, saveReplyProgress } from './reply.progress';
import { applyReplyEvent, createReplyState } from './reply.state';
import { openReplyStream, type ReplyStream } from './reply.stream';

export interface ReplyFollowerDeps {
  ctx: AppContext;
  view: AssistantMessageView;
  announcer: ReplyAnnouncer;
  /** Where "reconnecting…" is shown while the browser retries a dropped stream. */
  connection: HTMLElement;
  onSettled: (status: Exclude<MessageStatus, 'streaming'>) => void;
}

export interface ReplyFollower {
  readonly replyId: string;
  /** Stops following (leaving the page); the reply itself keeps going on the server. */
  close(): void;
}

/**
 * Shows one reply as it streams: applies events, keeps this tab's resume point current, and
 * settles from the history if the stream itself can no longer be read.
 */
export function followReply(deps: ReplyFollowerDeps, progress: ReplyProgress): ReplyFollower {
  const { ctx, view } = deps;
  const { t } = ctx.i18n;
  const state = createReplyState(progress);
  let stream: ReplyStream | undefined;
  let closed = false;

  view.setText(state.text);
  view.setStatus('streaming');

  function settle(status: Exclude<MessageStatus, 'streaming'>, detail: string | null) {
    removeReplyProgress(ctx.session, progress.replyId);
    deps.connection.textContent = '';
    view.setStatus(status, detail);
    const words =
      status === 'complete'
        ? t('chat.replied')
        : status === 'cancelled'
          ? t('chat.cancelled')
          : t('chat.failed');
    deps.announcer.finish(state.text, words);
    deps.onSettled(status);
  }

  function open() {
    stream = openReplyStream({
      EventSource: ctx.window.EventSource,
      url: progress.streamUrl ?? `/api/replies/${encodeURIComponent(progress.replyId)}/stream`,
      lastEventId: state.lastEventId,
      baseUrl: ctx.window.location.href,
      onEvent(event) {
        if (!applyReplyEvent(state, event)) return;
        if (event.type === 'reset') ctx.announce(t('chat.restarted'));
        view.setText(state.text);
        if (state.status === 'streaming') {
          saveReplyProgress(ctx.session, { ...progress, lastEventId: state.lastEventId, text: state.text });
          deps.announcer.update(state.text);
        } else {
          settle(state.status, state.error ? describeCode(ctx.i18n, state.error.code) : null);
        }
      },
      onConnection(connection) {
        deps.connection.textContent = connection === 'reconnecting' ? t('chat.reconnecting') : '';
        if (connection === 'broken') void settleFromHistory();
      },
    });
  }

  /** The stream is gone (expired, or refused): the saved history has the last word. */
  async function settleFromHistory() {
    try {
      const { messages } = await ctx.api.get<{ messages: Message[] }>(
        `/api/conversations/${encodeURIComponent(progress.conversationId)}/messages`,
      );
      if (closed) return;
      const saved = messages.find((m) => m.role === 'assistant' && m.replyId === progress.replyId);
      if (saved && saved.status !== 'streaming') {
        state.text = saved.content;
        state.status = saved.status;
        view.setText(saved.content);
        settle(saved.status, null);
        return;
      }
    } catch {
      // Fall through to offering a retry; the words below say what happened.
    }
    if (closed) return;
    view.setStatus('failed', t('chat.streamLost'));
    view.offerRetry(t('common.retry'), () => {
      view.setStatus('streaming');
      open();
    });
  }

  open();
  return {
    replyId: progress.replyId,
    close() {
      closed = true;
      stream?.close();
    },
  };
}
