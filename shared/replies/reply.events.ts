import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { registerScripts } from '../redis/scripts';
import type { ReplyEnd, Usage } from './turn';

/** Per-hop times of one reply, in milliseconds, reported with `done`. */
export interface ReplyTimings {
  /** Enqueued to taken by a worker. */
  queueWaitMs: number;
  /** Taken to ready to call the LLM (prompt built). */
  pickupMs: number;
  /**
   * Waiting for the fleet's shared LLM budget (and out a 429's pause) before the call that answered.
   * Optional: replies that ended before it was reported do not carry it.
   */
  providerWaitMs?: number;
  /** The call to its first token. */
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

/**
 * The final event of a reply that ended so: the one a worker appends, and the one the gateway
 * replays for a reply whose stream is gone.
 */
export function finalEventOf(end: ReplyEnd): ReplyEvent {
  switch (end.status) {
    case 'complete':
      return {
        type: 'done',
        data: { finishReason: end.finishReason, usage: end.usage, timings: end.timings },
      };
    case 'cancelled':
      return { type: 'cancelled', data: { content: end.content } };
    case 'failed':
      return {
        type: 'error',
        data: end.error ?? {
          code: 'llm_failed',
          message: 'The reply could not be generated. Please try again.',
        },
      };
  }
}

/**
 * The attempt that owns a reply: each attempt of a chat job writes a fresh token to the reply hash
 * as it starts, so an older attempt still running (its lock lapsed while Redis was away, and the
 * job was taken up again) can no longer write to the stream.
 */
export interface ReplyOwner {
  replyKey: string;
  token: string;
  /** Appends made so far: with the token, each append's unique key (no random bytes per append). */
  appended?: number;
}

/** A fresh owner token for an attempt: short, since each stream entry carries it in its append key. */
export const newOwnerToken = () => randomBytes(9).toString('base64url');

/** Another attempt has taken the reply over; this one must stop without writing. */
export class SupersededError extends Error {
  constructor(replyKey: string) {
    super(`another attempt now owns ${replyKey}`);
    this.name = 'SupersededError';
  }
}

/**
 * Appends one event to a reply stream and announces it on the reply's live channel, once even if
 * the command is sent twice (lua/appendEvent-2.lua); with an owner, only while it owns the reply.
 */
export async function appendEvent(
  redis: Redis,
  stream: { key: string; channel: string },
  event: ReplyEvent,
  owner?: ReplyOwner,
): Promise<string> {
  if (owner) owner.appended = (owner.appended ?? 0) + 1;
  const id = await registerScripts(redis).appendEvent(
    stream.key,
    owner?.replyKey ?? stream.key,
    owner ? `${owner.token}.${owner.appended}` : newOwnerToken(),
    event.type,
    JSON.stringify(event.data),
    owner?.token ?? '',
    stream.channel,
  );
  if (id === null) throw new SupersededError(owner?.replyKey ?? stream.key);
  return id;
}

export interface StoredEvent {
  id: string;
  type: ReplyEventType;
  data: string;
}

/**
 * Decodes one XRANGE entry: [id, [field, value, ...]]. An entry holds one event: field `e` is its
 * type, `d` its JSON data, `k` the key of the append that wrote it (lua/appendEvent-2.lua).
 */
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
