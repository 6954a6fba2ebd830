import type { Redis } from 'ioredis';

/**
 * Counts the jobs each BullMQ worker holds, from the queue's `active` list and the job locks: a
 * BullMQ 5 worker locks a job with the token `<worker.id>:<n>` (`<prefix>:<queue>:<jobId>:lock`).
 * An active job without a lock is stalled or just being taken, and belongs to no one.
 */
export interface JobLockReader {
  /** Jobs held, by BullMQ worker id. */
  read(): Promise<Map<string, number>>;
}

const SCRIPT = `
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local owners = {}
for _, id in ipairs(ids) do
  local token = redis.call('GET', ARGV[1] .. id .. ':lock')
  if token then owners[#owners + 1] = token end
end
return owners
`;

const COMMAND = 'airaBullmqJobLocks';

type LocksCommand = (active: string, jobPrefix: string) => Promise<unknown>;

export function createJobLockReader(deps: { redis: Redis; prefix: string; queue: string }): JobLockReader {
  const { redis } = deps;
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT });
  const run = (redis as unknown as Record<typeof COMMAND, LocksCommand>)[COMMAND].bind(redis);
  const base = `${deps.prefix}:${deps.queue}:`;

  return {
    async read() {
      const tokens = await run(`${base}active`, base);
      if (!Array.isArray(tokens)) {
        throw new Error(
          `Reading the job locks of BullMQ queue "${deps.queue}" returned ${JSON.stringify(tokens)}`,
        );
      }
      const held = new Map<string, number>();
      for (const token of tokens) {
        const owner = String(token).replace(/:\d+$/, '');
        held.set(owner, (held.get(owner) ?? 0) + 1);
      }
      return held;
    },
  };
}
