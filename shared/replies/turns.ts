import type { ReplyStatus, Usage } from '../jobs/writes.messages';

/** One turn of a conversation as kept in Redis for prompt context. */
export interface Turn {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  at: number;
}

export interface TurnsPolicy {
  /** Turns kept per conversation. */
  max: number;
  /** Seconds the recent turns outlive the last message. */
  ttlSeconds: number;
}

/**
 * A turn accepted but not yet in the database, kept by reply id until the writer has written it,
 * so the history never loses a message that is still in the queue.
 */
export interface PendingTurn {
  replyId: string;
  user: { id: string; content: string; at: number };
  assistant: {
    status: ReplyStatus | 'streaming';
    content: string;
    finishReason: string | null;
    usage: Usage | null;
    at: number;
  };
}
