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
 * RPUSH, unless a turn with this id is among the last few: ioredis resends a transaction whose
 * answer was lost to a dropped connection, and the turn would then be in the prompt twice.
 * KEYS: turns, turns-complete marker. ARGV: turn JSON, turn id, max turns, TTL.
 */
const pushOnceScript = `
for _, entry in ipairs(redis.call('LRANGE', KEYS[1], -8, -1)) do
  if cjson.decode(entry).id == ARGV[2] then return 0 end
end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1`;

/**
 * Appends a turn to a conversation's recent turns (bounded, with a TTL). `complete` marks the list
 * as holding the whole conversation, which is true only when the conversation starts in Redis.
 */
export function pushTurn(
  tx: ChainableCommander,
  keys: RedisKeys,
  conversationId: string,
  turn: Turn,
  policy: TurnsPolicy,
): ChainableCommander {
  return tx.eval(
    pushOnceScript,
    2,
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
