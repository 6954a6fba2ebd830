import { randomUUID } from 'node:crypto';
import type { ChatJob } from '../../shared/jobs/chat.job';
import type { WriteOf } from '../../shared/jobs/writes.messages';

/** A valid chat job with fresh ids; `fields` replace any of its own. */
export const aChatJob = (fields: Partial<ChatJob> = {}): ChatJob => ({
  v: 1,
  replyId: randomUUID(),
  userMessageId: randomUUID(),
  conversationId: randomUUID(),
  userId: randomUUID(),
  personaId: 'sage',
  lang: 'en',
  content: 'hello',
  enqueuedAt: Date.now(),
  ...fields,
});

/** A valid finished chat turn with fresh ids, whose user message is `content`. */
export const aChatTurn = (content: string): WriteOf<'chat.turn'> => ({
  v: 1,
  kind: 'chat.turn',
  userId: randomUUID(),
  conversationId: randomUUID(),
  replyId: randomUUID(),
  user: { id: randomUUID(), content, at: 1 },
  assistant: {
    content: `${content}!`,
    status: 'complete',
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1 },
    at: 2,
  },
});
