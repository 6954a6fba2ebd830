import type { Redis } from 'ioredis';

/**
 * Reads a BullMQ queue's backlog in one Redis round trip, atomically, with a Lua script over the
 * keys BullMQ 5 writes (`<prefix>:<queue>:wait|paused|active` lists, `prioritized|delayed` zsets,
 * one hash `<prefix>:<queue>:<jobId>` per job). BullMQ LPUSHes FIFO jobs and workers pop from the
 * right, so the oldest FIFO job sits at `LINDEX wait -1`; LIFO jobs are RPUSHed, so the script also
 * looks at index 0. For prioritized jobs it reads the lowest score, the next one a worker takes.
 *
 * A job's waiting-since time is its `timestamp` (creation), or `processedOn` of its last attempt
 * when it came back after a failure or a stall, so a retried job does not look as old as its first
 * attempt. A job promoted from `delayed` counts its delay as waiting: Aira's chat jobs are not
 * delayed, and a retry backoff is short next to the SLO it would overstate.
 *
 * Asked with `finishedSinceMs`, it also counts the jobs that finished (completed or failed for
 * good) after that time, from the `completed` and `failed` zsets scored by finish time: what a
 * caller needs, with the backlog's change, for the arrival and completion rates. Only jobs the
 * queue still keeps are counted (Aira keeps the last 10,000 completed for an hour).
 */
export interface BullmqBacklog {
  /** Jobs in `wait` plus `paused`. */
  readonly waiting: number;
  /** Of `waiting`, those in `paused` (the queue is paused: more workers will not drain them). */
  readonly paused: number;
  readonly prioritized: number;
  readonly active: number;
  /** Not yet runnable, so not part of the backlog. */
  readonly delayed: number;
  /** Waiting-since time of the oldest waiting or prioritized job at the heads looked at; null when none. */
  readonly oldestWaitingTimestampMs: number | null;
  /** waiting + prioritized + active: what the scaling policy sizes the fleet for. */
  readonly backlog: number;
  /** By the Redis server clock, so autoscaler clock skew does not age jobs; 0 when nothing waits. */
  readonly oldestAgeSeconds: number;
  readonly serverTimeMs: number;
  /** Jobs completed or failed for good after `finishedSinceMs`; 0 when not asked. */
  readonly finishedSince: number;
}

export interface BullmqBacklogReader {
  read(queue: string, options?: { readonly finishedSinceMs?: number }): Promise<BullmqBacklog>;
}

const WRONG_TYPE = 'AIRA_BACKLOG_WRONGTYPE';

// KEYS: wait, paused, active, prioritized, delayed, completed, failed.
// ARGV[1]: job key prefix `<prefix>:<queue>:`; ARGV[2]: count jobs finished after this epoch ms
// (a ZCOUNT bound: `+inf` counts none).
const SCRIPT = `
local expected = { 'list', 'list', 'list', 'zset', 'zset', 'zset', 'zset' }
for i = 1, 7 do
  local t = redis.call('TYPE', KEYS[i])['ok']
  if t ~= 'none' and t ~= expected[i] then
    return redis.error_reply('${WRONG_TYPE} ' .. KEYS[i] .. ' is a ' .. t .. ', BullMQ keeps a ' .. expected[i] .. ' there')
  end
end

local oldest = -1
local function consider(id)
  if not id or string.sub(id, 1, 2) == '0:' then return end
  local f = redis.call('HMGET', ARGV[1] .. id, 'timestamp', 'processedOn')
  local since = tonumber(f[1])
  local retried = tonumber(f[2])
  if retried and (not since or retried > since) then since = retried end
  if since and (oldest < 0 or since < oldest) then oldest = since end
end

consider(redis.call('LINDEX', KEYS[1], -1))
consider(redis.call('LINDEX', KEYS[1], 0))
consider(redis.call('LINDEX', KEYS[2], -1))
consider(redis.call('LINDEX', KEYS[2], 0))
consider(redis.call('ZRANGE', KEYS[4], 0, 0)[1])

local now = redis.call('TIME')
return {
  redis.call('LLEN', KEYS[1]),
  redis.call('LLEN', KEYS[2]),
  redis.call('LLEN', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  redis.call('ZCARD', KEYS[5]),
  oldest,
  tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000),
  redis.call('ZCOUNT', KEYS[6], '(' .. ARGV[2], '+inf') + redis.call('ZCOUNT', KEYS[7], '(' .. ARGV[2], '+inf'),
}
`;

const COMMAND = 'airaBullmqBacklog';

type BacklogCommand = (
  wait: string,
  paused: string,
  active: string,
  prioritized: string,
  delayed: string,
  completed: string,
  failed: string,
  jobPrefix: string,
  finishedSince: string,
) => Promise<unknown>;

/**
 * The script is registered with ioredis `defineCommand` (EVALSHA, falling back to EVAL once per
 * connection); defining it again on a shared client is a no-op.
 */
export function createBullmqBacklogReader(deps: { redis: Redis; prefix?: string }): BullmqBacklogReader {
  const { redis } = deps;
  const prefix = deps.prefix ?? 'bull';
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 7, lua: SCRIPT });
  const run = (redis as unknown as Record<typeof COMMAND, BacklogCommand>)[COMMAND].bind(redis);

  return {
    async read(queue, options) {
      const base = `${prefix}:${queue}:`;
      const since = options?.finishedSinceMs;
      let reply: unknown;
      try {
        reply = await run(
          `${base}wait`,
          `${base}paused`,
          `${base}active`,
          `${base}prioritized`,
          `${base}delayed`,
          `${base}completed`,
          `${base}failed`,
          base,
          since === undefined || !Number.isFinite(since) ? '+inf' : String(Math.floor(since)),
        );
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(`Reading the backlog of BullMQ queue "${queue}" failed: ${message}`, { cause: err });
      }
      return toBacklog(queue, reply);
    },
  };
}

function toBacklog(queue: string, reply: unknown): BullmqBacklog {
  if (!Array.isArray(reply) || reply.length !== 8 || !reply.every((n) => typeof n === 'number')) {
    throw new Error(`Reading the backlog of BullMQ queue "${queue}" returned ${JSON.stringify(reply)}`);
  }
  const [wait, paused, active, prioritized, delayed, oldest, serverTimeMs, finishedSince] =
    reply as number[] as [number, number, number, number, number, number, number, number];
  const waiting = wait + paused;
  const oldestWaitingTimestampMs = oldest >= 0 ? oldest : null;
  return {
    waiting,
    paused,
    prioritized,
    active,
    delayed,
    oldestWaitingTimestampMs,
    backlog: waiting + prioritized + active,
    oldestAgeSeconds:
      oldestWaitingTimestampMs === null ? 0 : Math.max(0, (serverTimeMs - oldestWaitingTimestampMs) / 1000),
    serverTimeMs,
    finishedSince,
  };
}
