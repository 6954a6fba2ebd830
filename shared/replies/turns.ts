import type { ChainableCommander } from 'ioredis';
import type { ReplyStatus, Usage } from '../jobs/writes.messages';
import type { RedisKeys } from '../redis/keys';

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
 * Appends a turn to a conversation's recent turns (bounded, with a TTL), once even if ioredis sends
 * the command twice (lua/pushTurnOnce-2.lua). `complete` marks the list as holding the whole
 * conversation, which is true only when the conversation starts in Redis.
 */
export function pushTurn(
  tx: ChainableCommander,
  keys: RedisKeys,
  conversationId: string,
  turn: Turn,
  policy: TurnsPolicy,
): ChainableCommander {
  return tx.pushTurnOnce(
    keys.turns(conversationId),
    keys.turnsComplete(conversationId),
    JSON.stringify(turn),
    turn.id,
    policy.max,
    policy.ttlSeconds,
  );
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
