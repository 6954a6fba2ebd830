import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../plugins/errors';
import type { SessionStore } from './session.store';

export const sessionCookie = 'aira_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's id; set by the auth guard. */
    userId: string;
    sessionToken: string;
  }
}

/** The bearer token, or the same token from the HttpOnly session cookie. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? '';
  }
  return request.cookies?.[sessionCookie];
}

/** A preHandler that admits only requests with a live session. */
export function createAuthGuard(sessions: SessionStore) {
  return async function requireUser(request: FastifyRequest, _reply: FastifyReply) {
    const token = tokenOf(request);
    if (!token)
      throw new HttpError(401, 'unauthorized', 'Sign in first: send a bearer token or the session cookie.');
    const session = await sessions.resolve(token);
    if (!session) throw new HttpError(401, 'unauthorized', 'The session token is invalid or has expired.');
    request.userId = session.userId;
    request.sessionToken = token;
  };
}
