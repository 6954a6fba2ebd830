import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { AuthResponse, errorResponses, PublicUser } from '../http.schemas';
import { langOf } from '../lang';
import { HttpError } from '../plugins/errors';
import { createAuthGuard, sessionCookie } from './auth.guard';
import type { SessionStore } from './session.store';
import { toPublicUser, type UserStore } from './user.store';

const PublicUserBody = Type.Object({ user: PublicUser });

export interface AuthRouteDeps {
  sessions: SessionStore;
  users: UserStore;
  cookie: { secure: boolean; maxAgeSeconds: number };
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteDeps> = async (app, deps) => {
  const requireUser = createAuthGuard(deps.sessions);

  const setSession = (reply: FastifyReply, token: string) =>
    reply.setCookie(sessionCookie, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.cookie.secure,
      path: '/',
      maxAge: deps.cookie.maxAgeSeconds,
    });

  app.post(
    '/api/auth/guest',
    {
      schema: {
        tags: ['auth'],
        summary: 'Start as a guest',
        response: { 201: AuthResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await deps.users.createGuest();
      const token = await deps.sessions.create(user.id);
      setSession(reply, token);
      return reply.code(201).send({ token, user: toPublicUser(user, langOf(request)) });
    },
  );

  app.post(
    '/api/auth/logout',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.sessions.destroy(request.sessionToken);
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: { 200: PublicUserBody, ...errorResponses },
      },
    },
    async (request) => {
      const user = await deps.users.get(request.userId);
      if (!user) throw new HttpError(401, 'unauthorized', 'This session belongs to no user.');
      return { user: toPublicUser(user, langOf(request)) };
    },
  );
};
