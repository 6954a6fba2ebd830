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
 * Lua that appends a turn to the recent turns, bounded and with a TTL, for any script that adds one.
 * It reads locals `turns` and `complete` (the list and its turns-complete marker), `turn` (JSON),
 * `maxTurns` and `ttl`.
 */
export const pushTurnLua = `
redis.call('RPUSH', turns, turn)
redis.call('LTRIM', turns, -tonumber(maxTurns), -1)
redis.call('EXPIRE', turns, ttl)
redis.call('EXPIRE', complete, ttl)`;

/**
 * The turn pushed unless a turn with this id is among the last few: ioredis resends a transaction
 * whose answer was lost to a dropped connection, and the turn would then be in the prompt twice.
 * KEYS: turns, turns-complete marker. ARGV: turn JSON, turn id, max turns, TTL.
 */
const pushOnceScript = `
local turns, complete, turn, maxTurns, ttl = KEYS[1], KEYS[2], ARGV[1], ARGV[3], ARGV[4]
for _, entry in ipairs(redis.call('LRANGE', turns, -8, -1)) do
  if cjson.decode(entry).id == ARGV[2] then return 0 end
end
${pushTurnLua}
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
