import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis, Result } from 'ioredis';
import { repoRoot } from '../process/entries';

/**
 * Every Redis script Aira runs. Each is a file `lua/<name>-<number of keys>.lua` whose header names
 * its KEYS and ARGV; shared parts are `lua/includes/*.lua`, pulled in by a `--- @include "<path>"`
 * line. `registerScripts` defines them once per connection (ioredis `defineCommand`), so each call
 * sends EVALSHA with the script's hash, not the script.
 */
export const scriptFiles = [
  'appendEvent-2',
  'endReply-5',
  'acceptMessage-4',
  'markAnswersStored-1',
  'acceptAnswers-3',
  'bullmqBacklog-7',
  'bullmqJobLocks-1',
  'providerAcquire-5',
  'providerObserve-2',
  'providerRelease-4',
  'providerState-5',
] as const;

type ScriptName = (typeof scriptFiles)[number] extends `${infer N}-${number}` ? N : never;

const luaDir = join(repoRoot, 'shared/redis/lua');
const includeLine = /^--- @include "([^"]+)"$/gm;

/** A script's source with its includes in place (each included once, however often it is named). */
export function scriptSource(file: string, seen = new Set<string>()): string {
  const source = readFileSync(join(luaDir, `${file}.lua`), 'utf8');
  return source.replace(includeLine, (_, path: string) => {
    if (seen.has(path)) return '';
    seen.add(path);
    return scriptSource(path, seen);
  });
}

const loaded = new Map<string, { name: ScriptName; numberOfKeys: number; lua: string }>();

function load(file: (typeof scriptFiles)[number]) {
  let script = loaded.get(file);
  if (!script) {
    const [, name, keys] = /^(.+)-(\d+)$/.exec(file) as unknown as [string, ScriptName, string];
    script = { name, numberOfKeys: Number(keys), lua: scriptSource(file) };
    loaded.set(file, script);
  }
  return script;
}

const registered = new WeakSet<Redis>();

/**
 * Defines every script as a command of this connection, and of the pipelines and transactions made
 * from it afterwards; calling it again is cheap and changes nothing.
 */
export function registerScripts(redis: Redis): Redis {
  if (registered.has(redis)) return redis;
  for (const file of scriptFiles) {
    const { name, numberOfKeys, lua } = load(file);
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  }
  registered.add(redis);
  return redis;
}

type Arg = string | number;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** lua/appendEvent-2.lua: the entry id, or null when another attempt owns the reply. */
    appendEvent(
      events: string,
      reply: string,
      appendKey: string,
      type: string,
      data: string,
      owner: string,
      channel: string,
    ): Result<string | null, Context>;
    /** lua/endReply-5.lua: 1 when this call ended the reply. */
    endReply(...keysAndArgs: [string, string, string, string, string, ...Arg[]]): Result<number, Context>;
    /** lua/acceptMessage-4.lua. */
    acceptMessage(
      reply: string,
      pending: string,
      turns: string,
      complete: string,
      userId: string,
      conversationId: string,
      userMessageId: string,
      acceptedAt: Arg,
      ttl: Arg,
      replyId: string,
      pendingTurn: string,
      userTurn: string,
      maxTurns: Arg,
    ): Result<number, Context>;
    /** lua/acceptAnswers-3.lua: the revision. */
    acceptAnswers(
      counter: string,
      latest: string,
      stored: string,
      now: Arg,
      ttl: Arg,
      ...questionIds: string[]
    ): Result<number, Context>;
    /** lua/markAnswersStored-1.lua. */
    markAnswersStored(stored: string, ttl: Arg, ...questionsAndRevisions: Arg[]): Result<number, Context>;
    /** lua/bullmqBacklog-7.lua. */
    bullmqBacklog(
      wait: string,
      paused: string,
      active: string,
      prioritized: string,
      delayed: string,
      completed: string,
      failed: string,
      jobPrefix: string,
      finishedSince: string,
    ): Result<unknown, Context>;
    /** lua/bullmqJobLocks-1.lua. */
    bullmqJobLocks(active: string, jobPrefix: string): Result<unknown, Context>;
    /** lua/providerAcquire-5.lua: [1, 0] to go, [0, ms] to wait. */
    providerAcquire(
      budget: string,
      calls: string,
      waiting: string,
      leases: string,
      pending: string,
      id: string,
      tokens: Arg,
      callLeaseMs: Arg,
      waitLeaseMs: Arg,
      probeWaitMs: Arg,
      ttlMs: Arg,
      probeLeaseMs: Arg,
    ): Result<[number, number], Context>;
    /** lua/providerObserve-2.lua: the pause's end, 0 when none. */
    providerObserve(
      budget: string,
      pending: string,
      rpm: Arg,
      remainingRequests: Arg,
      tpm: Arg,
      remainingTokens: Arg,
      pauseMs: Arg,
      ttlMs: Arg,
      id: string,
    ): Result<number, Context>;
    /** lua/providerRelease-4.lua. */
    providerRelease(
      calls: string,
      waiting: string,
      leases: string,
      pending: string,
      id: string,
    ): Result<number, Context>;
    /** lua/providerState-5.lua. */
    providerState(
      budget: string,
      calls: string,
      waiting: string,
      leases: string,
      pending: string,
    ): Result<string[], Context>;
  }
}
