import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Usage } from '../jobs/writes.messages';

/** Per-hop times of one reply, in milliseconds, reported with `done`. */
export interface ReplyTimings {
  queueWaitMs: number;
  pickupMs: number;
  llmFirstTokenMs: number;
  totalMs: number;
}

/** The events of a reply stream, as relayed to the browser over SSE. */
export type ReplyEvent =
  | { type: 'token'; data: { text: string } }
  /** A retried attempt diverged from what was already streamed: discard this reply's text so far. */
  | { type: 'reset'; data: { attempt: number } }
  | { type: 'done'; data: { finishReason: string | null; usage: Usage | null; timings?: ReplyTimings } }
  | { type: 'cancelled'; data: { content: string } }
  | { type: 'error'; data: { code: string; message: string } };

export type ReplyEventType = ReplyEvent['type'];
export const finalEvents: ReadonlySet<ReplyEventType> = new Set(['done', 'cancelled', 'error']);

/** A stream entry holds one event: field `e` is the type, `d` its JSON data (and `k`, see appendEvent). */
export function appendEventArgs(key: string, event: ReplyEvent, maxLen?: number): (string | number)[] {
  const args: (string | number)[] = [key];
  if (maxLen) args.push('MAXLEN', '~', maxLen);
  args.push('*', 'e', event.type, 'd', JSON.stringify(event.data));
  return args;
}

/**
 * XADD, unless an entry with this append's key `k` is among the stream's last few: when the
 * connection drops after Redis applied an XADD but before its reply came back, ioredis sends the
 * command again on reconnect, and a plain XADD would stream the same tokens twice. With an owner
 * token (ARGV[4]) it appends only while the reply hash (KEYS[2]) still names that owner, and
 * answers nil otherwise.
 */
const appendOnceScript = `
if ARGV[4] ~= '' and redis.call('HGET', KEYS[2], 'owner') ~= ARGV[4] then return false end
for _, entry in ipairs(redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 8)) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'k' and fields[i + 1] == ARGV[1] then return entry[1] end
  end
end
return redis.call('XADD', KEYS[1], '*', 'e', ARGV[2], 'd', ARGV[3], 'k', ARGV[1])`;

/**
 * The attempt that owns a reply: each attempt of a chat job writes a fresh token to the reply hash
 * as it starts, so an older attempt still running (its lock lapsed while Redis was away, and the
 * job was taken up again) can no longer write to the stream.
 */
export interface ReplyOwner {
  replyKey: string;
  token: string;
}

/** Another attempt has taken the reply over; this one must stop without writing. */
export class SupersededError extends Error {
  constructor(replyKey: string) {
    super(`another attempt now owns ${replyKey}`);
    this.name = 'SupersededError';
  }
}

/** Appends one event to a reply stream, once even if the command is sent twice. */
export async function appendEvent(
  redis: Redis,
  key: string,
  event: ReplyEvent,
  owner?: ReplyOwner,
): Promise<string> {
  const id = await redis.eval(
    appendOnceScript,
    2,
    key,
    owner?.replyKey ?? key,
    randomUUID(),
    event.type,
    JSON.stringify(event.data),
    owner?.token ?? '',
  );
  if (id === null) throw new SupersededError(owner?.replyKey ?? key);
  return id as string;
}

export interface StoredEvent {
  id: string;
  type: ReplyEventType;
  data: string;
}

/** Decodes one XREAD/XRANGE entry: [id, [field, value, ...]]. */
export function decodeEntry(entry: [string, string[]]): StoredEvent {
  const [id, fields] = entry;
  let type = 'error' as ReplyEventType;
  let data = '{}';
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === 'e') type = fields[i + 1] as ReplyEventType;
    else if (fields[i] === 'd') data = fields[i + 1] ?? '{}';
  }
  return { id, type, data };
}

/** Stream ids are `ms-seq`; anything else is not a valid Last-Event-ID. */
export const streamIdPattern = /^\d{1,20}-\d{1,20}$/;

const maxPart = 2n ** 64n - 1n;

/**
 * Whether `id` is a stream id Redis accepts: `ms-seq`, each part at most 2^64 - 1. One id past
 * that in the gateway's shared XREAD fails the read for every stream it relays.
 */
export function isStreamId(id: string): boolean {
  if (!streamIdPattern.test(id)) return false;
  return id.split('-').every((part) => BigInt(part) <= maxPart);
}
