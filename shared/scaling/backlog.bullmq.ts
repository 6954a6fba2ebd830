import type { Redis } from 'ioredis';
import { registerScripts } from '../redis/scripts';

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

/** The read is one script, lua/bullmqBacklog-7.lua, run by EVALSHA (shared/redis/scripts.ts). */
export function createBullmqBacklogReader(deps: { redis: Redis; prefix?: string }): BullmqBacklogReader {
  const { redis } = deps;
  const prefix = deps.prefix ?? 'bull';
  registerScripts(redis);

  return {
    async read(queue, options) {
      const base = `${prefix}:${queue}:`;
      const since = options?.finishedSinceMs;
      let reply: unknown;
      try {
        reply = await redis.bullmqBacklog(
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
