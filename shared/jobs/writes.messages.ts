import { type Static, Type } from '@sinclair/typebox';
import { EndedStatus, Usage } from '../replies/turn';

// Bodies of messages on the SQS `writes` queue. A message may sit in the queue (or the dead-letter
// queue) across a deploy, so fields are only ever added as optional; `v` is bumped only with a
// consumer that still reads the previous version.

const Id = Type.String({ format: 'uuid' });
const Ms = Type.Number({ minimum: 0 });

export const UserCreated = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('user.created'),
  userId: Id,
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  at: Ms,
});

export const ConversationCreated = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('conversation.created'),
  userId: Id,
  conversationId: Id,
  personaId: Type.String({ minLength: 1, maxLength: 40 }),
  title: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  at: Ms,
});

/**
 * A finished chat turn: the user message and the assistant reply (done, cancelled or failed), as
 * shared/replies/turn.ts makes it. The message's length is not limited here: the gateway enforced
 * MESSAGE_MAX_CHARS in code points, and a UTF-16 bound here would refuse a message it accepted.
 */
export const ChatTurn = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('chat.turn'),
  userId: Id,
  conversationId: Id,
  replyId: Id,
  user: Type.Object({ id: Id, content: Type.String(), at: Ms }),
  assistant: Type.Object({
    content: Type.String(),
    status: EndedStatus,
    finishReason: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
    usage: Type.Union([Usage, Type.Null()]),
    at: Ms,
  }),
});

/**
 * Survey answers from one request. Every request gets a new, higher revision for its user, so
 * the writer keeps the latest answer to each question whatever order messages arrive in.
 */
export const SurveyAnswers = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('survey.answers'),
  userId: Id,
  surveyVersion: Type.Integer({ minimum: 1 }),
  revision: Type.Integer({ minimum: 1 }),
  answers: Type.Array(
    Type.Object({
      questionId: Type.String({ minLength: 1, maxLength: 64 }),
      value: Type.Integer({ minimum: 0, maximum: 100 }),
    }),
    { minItems: 1, maxItems: 100 },
  ),
  at: Ms,
});

export const WriteMessage = Type.Union([UserCreated, ConversationCreated, ChatTurn, SurveyAnswers]);
export type WriteMessage = Static<typeof WriteMessage>;
export type WriteKind = WriteMessage['kind'];
export type WriteOf<K extends WriteKind> = Extract<WriteMessage, { kind: K }>;
