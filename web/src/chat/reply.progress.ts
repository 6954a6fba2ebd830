import { readJson, removeKeysWithPrefix, writeJson } from '../app/storage';

const PREFIX = 'aira.reply.';

/**
 * A reply still streaming in this tab, kept in sessionStorage so a reload shows the same text
 * and reopens the stream with `?lastEventId=` (EventSource cannot set headers, and forgets its
 * own last id on reload). The text and the id are written together, so they always agree.
 */
export interface ReplyProgress {
  replyId: string;
  conversationId: string;
  lastEventId: string | null;
  text: string;
  /** The question, in case the history does not list the turn yet when the page reloads. */
  userMessageId: string | null;
  userContent: string | null;
  streamUrl: string | null;
}

export function saveReplyProgress(storage: Storage, progress: ReplyProgress): void {
  writeJson(storage, PREFIX + progress.replyId, progress);
}

export function loadReplyProgress(storage: Storage, replyId: string): ReplyProgress | null {
  return readJson<ReplyProgress>(storage, PREFIX + replyId);
}

export function removeReplyProgress(storage: Storage, replyId: string): void {
  try {
    storage.removeItem(PREFIX + replyId);
  } catch {}
}

export function listReplyProgress(storage: Storage, conversationId: string): ReplyProgress[] {
  const found: ReplyProgress[] = [];
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    const progress = readJson<ReplyProgress>(storage, key);
    if (progress?.conversationId === conversationId) found.push(progress);
  }
  return found;
}

export function clearReplyProgress(storage: Storage): void {
  removeKeysWithPrefix(storage, PREFIX);
}
