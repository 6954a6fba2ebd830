import { type Static, Type } from '@sinclair/typebox';

export const Lang = Type.Union([Type.Literal('ko'), Type.Literal('en')]);
export type Lang = Static<typeof Lang>;

/** W3C trace context carried across a queue (traceparent, tracestate). */
export const TraceCarrier = Type.Record(Type.String(), Type.String());

/**
 * One reply to generate. The job id is the reply id, so a retried POST never makes two replies.
 * Fields may be added (optional) but never removed or renamed: jobs enqueued by an older gateway
 * are still in the queue while a newer worker runs.
 */
export const ChatJob = Type.Object({
  v: Type.Literal(1),
  replyId: Type.String({ format: 'uuid' }),
  userMessageId: Type.String({ format: 'uuid' }),
  conversationId: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid' }),
  personaId: Type.String({ minLength: 1, maxLength: 40 }),
  lang: Lang,
  /**
   * Not limited in length here: the gateway's route enforced MESSAGE_MAX_CHARS in code points (what
   * a person types); a bound in UTF-16 units here would refuse an accepted message of emoji.
   */
  content: Type.String({ minLength: 1 }),
  /** Epoch ms when the gateway accepted the message (the start of the reply's clock). */
  enqueuedAt: Type.Number(),
  trace: Type.Optional(TraceCarrier),
});
export type ChatJob = Static<typeof ChatJob>;
