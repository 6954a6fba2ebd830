import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../../../shared/telemetry/logger';

/** An error with the HTTP status and code the client sees. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Not found') => new HttpError(404, 'not_found', what);

/** Errors that mean a backing service is unreachable, not that the request was bad. */
function isOutage(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'ETIMEDOUT' ||
    e?.code === 'PROTOCOL_CONNECTION_LOST' ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(e?.message ?? '')
  );
}

/**
 * Every error leaves as `{ error: { code, message } }`: bad input as a 4xx that says what was
 * wrong, an unreachable Redis or database as 503 with Retry-After, anything else as a logged 500.
 */
export function registerErrorHandling(app: FastifyInstance, log: Logger) {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
    });
  });
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({ error: { code: error.code, message: error.message } });
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      return reply
        .code(400)
        .send({ error: { code: 'invalid_request', message: `${where}: ${error.message}` } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = fastifyCodes[error.code ?? ''] ?? 'bad_request';
      return reply.code(status).send({ error: { code, message: error.message } });
    }
    if (isOutage(error)) {
      request.log.warn({ err: error }, 'dependency unavailable');
      return reply
        .code(503)
        .header('retry-after', '2')
        .send({
          error: { code: 'unavailable', message: 'A backing service is unavailable; try again shortly.' },
        });
    }
    log.error({ err: error, url: request.url }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'Internal error' } });
  });
}

const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'invalid_request',
};
