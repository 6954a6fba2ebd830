import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponses, IdParams, LangQuery } from '../http.schemas';
import { langOf } from '../lang';
import { HttpError, notFound } from '../plugins/errors';
import { rateLimit } from '../plugins/security';
import type { ConversationRef, ReplyService } from './reply.service';

/** The answer to a sent message: where its reply streams from. */
export const MessageAccepted = Type.Object({
  userMessageId: Type.String({ format: 'uuid' }),
  replyId: Type.String({ format: 'uuid' }),
  streamUrl: Type.String(),
});

export interface MessageRouteDeps {
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The user's conversation, or null for a missing one or someone else's. */
  findConversation: (userId: string, id: string) => Promise<ConversationRef | null>;
  replies: ReplyService;
  /** Longest message, in code points (what a person types). */
  messageMaxChars: number;
  chatRateLimit: number;
}

/**
 * Sending a message starts its reply. The limit is the route's schema, which counts code points
 * (Ajv's maxLength), so an emoji counts as one character; past the gateway nothing limits the
 * message again.
 */
export const messageRoutes: FastifyPluginAsyncTypebox<MessageRouteDeps> = async (app, deps) => {
  app.addHook('preHandler', deps.requireUser);

  app.post(
    '/api/conversations/:id/messages',
    {
      config: rateLimit(deps.chatRateLimit),
      schema: {
        tags: ['chat'],
        summary: 'Send a message; the reply streams from streamUrl',
        params: IdParams,
        querystring: LangQuery,
        body: Type.Object(
          {
            content: Type.String({
              minLength: 1,
              maxLength: deps.messageMaxChars,
              description: 'At most MESSAGE_MAX_CHARS code points; an emoji counts as one',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 202: MessageAccepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const content = request.body.content.trim();
      if (!content) throw new HttpError(400, 'empty_message', 'The message is empty.');
      const conversation = await deps.findConversation(request.userId, request.params.id);
      if (!conversation) throw notFound('No such conversation');
      const { replyId, userMessageId } = await deps.replies.start({
        userId: request.userId,
        conversation,
        content,
        lang: langOf(request),
      });
      return reply.code(202).send({ userMessageId, replyId, streamUrl: `/api/replies/${replyId}/stream` });
    },
  );
};
