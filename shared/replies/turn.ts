import { type Static, Type } from '@sinclair/typebox';
import type { MessageRow, NewMessageRow } from '../db/messages.table';
import type { ChatJob } from '../jobs/chat.job';
import type { WriteOf } from '../jobs/writes.messages';
import type { ReplyTimings } from './reply.events';

/** How a reply ended: what the database stores and the SQS turn carries. */
export const EndedStatus = Type.Union([
  Type.Literal('complete'),
  Type.Literal('cancelled'),
  Type.Literal('failed'),
]);
export type EndedStatus = Static<typeof EndedStatus>;

/** A reply's status: `streaming` from the moment its message is accepted until it ends. */
export const ReplyStatus = Type.Union([Type.Literal('streaming'), ...EndedStatus.anyOf]);
export type ReplyStatus = Static<typeof ReplyStatus>;

export const Usage = Type.Object({
  promptTokens: Type.Integer({ minimum: 0 }),
  completionTokens: Type.Integer({ minimum: 0 }),
});
export type Usage = Static<typeof Usage>;

/**
 * One turn of a conversation: a user's message and the reply to it. Until the writer has stored
 * it, Redis keeps it by reply id (the pending turns), so its JSON is a stored contract.
 */
export interface Turn {
  replyId: string;
  user: { id: string; content: string; at: number };
  assistant: {
    status: ReplyStatus;
    content: string;
    finishReason: string | null;
    usage: Usage | null;
    at: number;
  };
}

/** How a reply ended, as its worker (or the gateway, for a reply that never ran) reports it. */
export interface ReplyEnd {
  status: EndedStatus;
  content: string;
  finishReason: string | null;
  usage: Usage | null;
  error?: { code: string; message: string };
  /** Per-hop times, reported with `done`; not stored. */
  timings?: ReplyTimings;
}

/** One message of the history, as `GET /api/conversations/:id/messages` answers it. */
export const HistoryMessage = Type.Object({
  id: Type.String({ format: 'uuid' }),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  status: ReplyStatus,
  replyId: Type.String({ format: 'uuid' }),
  createdAt: Type.Number(),
});
export type HistoryMessage = Static<typeof HistoryMessage>;

/**
 * One message of a conversation's recent turns, the bounded Redis list a chat worker builds its
 * prompt from (shared/redis/lua/includes/pushTurn.lua); its JSON is a stored contract.
 */
export interface RecentMessage {
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

/** The turn of a message just accepted: its reply is on its way. */
export function acceptedTurn(job: ChatJob): Turn {
  return {
    replyId: job.replyId,
    user: { id: job.userMessageId, content: job.content, at: job.enqueuedAt },
    assistant: { status: 'streaming', content: '', finishReason: null, usage: null, at: job.enqueuedAt },
  };
}

/** The turn of a reply that ended at `at`. */
export function endedTurn(job: ChatJob, end: ReplyEnd, at: number): Turn {
  const { status, content, finishReason, usage } = end;
  return { ...acceptedTurn(job), assistant: { status, content, finishReason, usage, at } };
}

/** How an ended turn's reply ended; undefined while it streams. */
export function endOfTurn(turn: Turn): ReplyEnd | undefined {
  const { status, content, finishReason, usage } = turn.assistant;
  return status === 'streaming' ? undefined : { status, content, finishReason, usage };
}

/** The durable write of a turn whose reply ended at `at` (the SQS `chat.turn` message). */
export function turnWrite(job: ChatJob, end: ReplyEnd, at: number): WriteOf<'chat.turn'> {
  const { status, content, finishReason, usage } = end;
  return {
    v: 1,
    kind: 'chat.turn',
    userId: job.userId,
    conversationId: job.conversationId,
    replyId: job.replyId,
    user: acceptedTurn(job).user,
    assistant: { content, status, finishReason, usage, at },
  };
}

/** The database rows of a stored turn: the user's message and the reply. */
export function turnRows(m: WriteOf<'chat.turn'>): NewMessageRow[] {
  const common = { conversation_id: m.conversationId, user_id: m.userId, reply_id: m.replyId };
  return [
    {
      ...common,
      id: m.user.id,
      role: 'user',
      content: m.user.content,
      status: 'complete',
      finish_reason: null,
      prompt_tokens: null,
      completion_tokens: null,
      created_at: m.user.at,
    },
    {
      ...common,
      id: m.replyId,
      role: 'assistant',
      content: m.assistant.content,
      status: m.assistant.status,
      finish_reason: m.assistant.finishReason,
      prompt_tokens: m.assistant.usage?.promptTokens ?? null,
      completion_tokens: m.assistant.usage?.completionTokens ?? null,
      created_at: m.assistant.at,
    },
  ];
}

/** A stored message as the history shows it. */
export function historyOfRow(row: MessageRow): HistoryMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    replyId: row.reply_id,
    createdAt: row.created_at,
  };
}

/** How a stored reply ended. */
export function endOfRow(row: MessageRow): ReplyEnd {
  const usage =
    row.prompt_tokens === null || row.completion_tokens === null
      ? null
      : { promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens };
  return { status: row.status, content: row.content, finishReason: row.finish_reason, usage };
}

/** A turn not yet stored, as the history shows it: the message, then the reply (never before it). */
export function historyOfTurn(turn: Turn): [HistoryMessage, HistoryMessage] {
  return [
    {
      id: turn.user.id,
      role: 'user',
      content: turn.user.content,
      status: 'complete',
      replyId: turn.replyId,
      createdAt: turn.user.at,
    },
    {
      id: turn.replyId,
      role: 'assistant',
      content: turn.assistant.content,
      status: turn.assistant.status,
      replyId: turn.replyId,
      createdAt: Math.max(turn.assistant.at, turn.user.at),
    },
  ];
}

interface Ordered {
  id: string;
  role: 'user' | 'assistant';
  createdAt: number;
}

/**
 * The database's messages merged with those Redis holds that may not be stored yet (pending turns,
 * recent turns): one per id, the database's copy when both have it, oldest first, and a user's
 * message before a reply of the same instant.
 */
export function mergeMessages<M extends Ordered>(stored: readonly M[], recent: readonly M[]): M[] {
  const byId = new Map<string, M>();
  for (const m of stored) byId.set(m.id, m);
  for (const m of recent) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()].sort(
    (a, b) => a.createdAt - b.createdAt || (a.role === b.role ? 0 : a.role === 'user' ? -1 : 1),
  );
}
