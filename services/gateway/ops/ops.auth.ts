import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The realm a browser shows when it asks for the operator token (Bull Board's page). */
const realm = 'Aira operators';

/**
 * The token an operator sent: `Authorization: Bearer <OPS_TOKEN>` for tools and scripts, or HTTP
 * basic auth with OPS_TOKEN as the password (any user name) so a browser can open Bull Board: it
 * asks once and sends the credentials with the board's own API calls.
 */
export function opsTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString();
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** Compares digests, so neither the time taken nor a length mismatch says how much was right. */
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * An onRequest hook that admits only requests carrying the operator token; others get 401. It
 * answers itself rather than throwing, because Bull Board installs its own error handler.
 */
export function createOpsGuard(opsToken: string) {
  const expected = digest(opsToken);
  return async function requireOperator(request: FastifyRequest, reply: FastifyReply) {
    const given = opsTokenOf(request);
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`)
      .send({ error: { code: 'unauthorized', message: 'Operator token required.' } });
  };
}
