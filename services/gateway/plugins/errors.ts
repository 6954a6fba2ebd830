import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRedisFull } from '../../../shared/redis/redis.full';
import { isTransientSqsError, WritesUnavailableError } from '../../../shared/sqs/writes.producer';
import type { Logger } from '../../../shared/telemetry/logger';
import type { ErrorCode } from '../error.codes';
import { describeBodyError, type SchemaError } from './validation.errors';

/** An error with the HTTP status and code the client sees. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Not found') => new HttpError(404, 'not_found', what);

/** Errors that mean a backing service is unreachable or full, not that the request was bad. */
function isOutage(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  return (
    error instanceof WritesUnavailableError ||
    isRedisFull(error) ||
    isTransientSqsError(error) ||
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
 * wrong, an unreachable Redis, database or SQS (or a Redis at maxmemory) as 503 with Retry-After,
 * anything else as a logged 500.
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
      // A body field gets its own code, field and limit; the rest of a request is not typed by people.
      const body =
        where === 'body' ? describeBodyError(error.validation[0] as SchemaError | undefined) : null;
      return reply
        .code(400)
        .send({ error: body ?? { code: 'invalid_request', message: `${where}: ${error.message}` } });
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

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'invalid_request',
};

/**
 * Errors Fastify raises before routing (a path it cannot percent-decode, a path parameter over
 * its length limit); without this they leave in Fastify's own shape, not Aira's.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  void reply.code(400).send({ error: { code: 'invalid_url', message: error.message } });
}

/**
 * HTTP that never becomes a request (headers over the size limit, a parse error, a timeout) is
 * answered on the socket; the same error shape as everything else, then the connection closes.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'timeout', 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request line and headers are too large.']
        : [400, 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
