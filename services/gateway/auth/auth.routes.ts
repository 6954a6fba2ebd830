import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { DISPLAY_NAME_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../http.limits';
import { AuthResponse, ErrorBody, errorResponses, PublicUser } from '../http.schemas';
import { langOf } from '../lang';
import { HttpError } from '../plugins/errors';
import { rateLimit } from '../plugins/security';
import type { AccountService } from './account.service';
import { createAuthGuard, sessionCookie, tokenOf } from './auth.guard';
import type { SessionStore } from './session.store';
import { toPublicUser, type UserStore } from './user.store';

const PublicUserBody = Type.Object({ user: PublicUser });

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const SignupBody = Type.Object(
  {
    email: Email,
    password: Type.String({
      minLength: PASSWORD_MIN_CHARS,
      maxLength: PASSWORD_MAX_CHARS,
      description: `at least ${PASSWORD_MIN_CHARS} characters`,
    }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: DISPLAY_NAME_MAX_CHARS })),
  },
  { additionalProperties: false },
);
const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_CHARS }) },
  { additionalProperties: false },
);

export interface AuthRouteDeps {
  sessions: SessionStore;
  users: UserStore;
  accounts: AccountService;
  authRateLimit: number;
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
      config: rateLimit(deps.authRateLimit),
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
    '/api/auth/signup',
    {
      config: rateLimit(deps.authRateLimit),
      schema: {
        tags: ['auth'],
        summary: 'Create an account; a signed-in guest keeps its answers, persona and conversations',
        body: SignupBody,
        response: { 201: AuthResponse, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const token = tokenOf(request);
      const guest = token ? await deps.sessions.resolve(token) : null;
      const user = await deps.accounts.signup({ ...request.body, guestUserId: guest?.userId });
      if (token && guest) await deps.sessions.destroy(token);
      const fresh = await deps.sessions.create(user.id);
      setSession(reply, fresh);
      return reply.code(201).send({ token: fresh, user: toPublicUser(user, langOf(request)) });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: rateLimit(deps.authRateLimit),
      schema: {
        tags: ['auth'],
        summary: 'Sign in; every sign-in gets a new session token',
        body: LoginBody,
        response: { 200: AuthResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await deps.accounts.login(request.body.email, request.body.password, request.ip);
      const token = await deps.sessions.create(user.id);
      setSession(reply, token);
      return { token, user: toPublicUser(user, langOf(request)) };
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
