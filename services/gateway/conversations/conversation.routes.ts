import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { personaById } from '../../../shared/personas/personas';
import { HistoryMessage } from '../../../shared/replies/turn';
import type { UserStore } from '../auth/user.store';
import { TITLE_MAX_CHARS } from '../http.limits';
import { errorResponses, IdParams, LangQuery } from '../http.schemas';
import { langOf } from '../lang';
import { notFound } from '../plugins/errors';
import type { ConversationStore } from './conversation.store';

const PersonaRef = Type.Object({ id: Type.String(), name: Type.String() });
export const NewConversationBody = Type.Union([
  Type.Object(
    {
      title: Type.Optional(
        Type.String({
          maxLength: TITLE_MAX_CHARS,
          description: 'Shown in the list; trimmed, white space folded to single spaces',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  // No body at all starts an untitled conversation, as before titles existed.
  Type.Null(),
]);
export const NewConversation = Type.Object({
  id: Type.String(),
  persona: PersonaRef,
  title: Type.Union([Type.String(), Type.Null()]),
});
/** One row of `GET /api/conversations`. */
export const Conversation = Type.Object({
  id: Type.String({ format: 'uuid' }),
  persona: Type.Object({ ...PersonaRef.properties, greeting: Type.String() }),
  title: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
});
/** `GET /api/conversations/:id/messages`. */
export const History = Type.Object({ messages: Type.Array(HistoryMessage) });

export interface ConversationRouteDeps {
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  users: UserStore;
  conversations: ConversationStore;
}

export const conversationRoutes: FastifyPluginAsyncTypebox<ConversationRouteDeps> = async (app, deps) => {
  const { requireUser, conversations } = deps;
  app.addHook('preHandler', requireUser);

  const owned = async (userId: string, id: string) => {
    const conversation = await conversations.find(userId, id);
    if (!conversation) throw notFound('No such conversation');
    return conversation;
  };

  app.post(
    '/api/conversations',
    {
      schema: {
        tags: ['chat'],
        summary: 'Start a conversation in the user’s persona, titled (say, after its first message) or not',
        querystring: LangQuery,
        body: NewConversationBody,
        response: {
          201: NewConversation,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const user = await deps.users.get(request.userId);
      const persona = personaById(user?.personaId);
      const title = request.body?.title?.replace(/\s+/g, ' ').trim() || null;
      const conversation = await conversations.create(request.userId, persona.id, title);
      return reply.code(201).send({
        id: conversation.id,
        persona: { id: persona.id, name: persona.name[langOf(request)] },
        title: conversation.title,
      });
    },
  );

  app.get(
    '/api/conversations',
    {
      schema: {
        tags: ['chat'],
        summary: 'The user’s conversations, newest first',
        querystring: LangQuery,
        response: { 200: Type.Object({ conversations: Type.Array(Conversation) }), ...errorResponses },
      },
    },
    async (request) => {
      const lang = langOf(request);
      const list = await conversations.list(request.userId);
      return {
        conversations: list.map((c) => {
          const persona = personaById(c.personaId);
          return {
            id: c.id,
            persona: { id: persona.id, name: persona.name[lang], greeting: persona.greeting[lang] },
            title: c.title,
            createdAt: c.createdAt,
          };
        }),
      };
    },
  );

  app.get(
    '/api/conversations/:id/messages',
    {
      schema: {
        tags: ['chat'],
        summary: 'The history, oldest first, including turns still being saved',
        params: IdParams,
        response: { 200: History, ...errorResponses },
      },
    },
    async (request) => {
      await owned(request.userId, request.params.id);
      return { messages: await conversations.history(request.userId, request.params.id) };
    },
  );
};
