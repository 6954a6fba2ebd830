import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Pool } from 'undici';
// The gateway's schemas name string formats (uuid) that TypeBox's checker learns here.
import '../../shared/jobs/formats';

/** A step failed in a way the report counts: `kind` is `http_<status>`, `protocol`, `sse_error`… */
export class OpError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'OpError';
  }
}

export interface JsonRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly token?: string;
  readonly body?: unknown;
  /** Statuses that count as success; anything else fails with `http_<status>`. */
  readonly expect: readonly number[];
  readonly signal: AbortSignal;
}

export interface JsonResponse {
  readonly status: number;
  readonly json: unknown;
}

export interface StreamResponse {
  readonly status: number;
  readonly body: AsyncIterable<Buffer> & { dump(): Promise<void> };
}

export interface HttpClient {
  readonly origin: string;
  json(req: JsonRequest): Promise<JsonResponse>;
  /** Opens a `text/event-stream` GET; the caller reads and ends the body. */
  stream(
    path: string,
    token: string,
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): Promise<StreamResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  readonly origin: string;
  /** Keep-alive connections kept for the run; one per concurrent iteration is enough. */
  readonly connections: number;
  readonly requestTimeoutMs: number;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connect: { timeout: options.requestTimeoutMs },
  });
  const timeout = options.requestTimeoutMs;

  return {
    origin: options.origin,
    async json(req) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (req.token) headers.authorization = `Bearer ${req.token}`;
      let body: string | undefined;
      if (req.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.body);
      }
      const res = await pool.request({
        method: req.method,
        path: req.path,
        headers,
        body,
        signal: req.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      if (!req.expect.includes(res.statusCode)) {
        await res.body.dump();
        throw new OpError(`http_${res.statusCode}`, `${req.method} ${req.path} → ${res.statusCode}`);
      }
      const text = await res.body.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new OpError('protocol', `${req.method} ${req.path} → body is not JSON`);
      }
      return { status: res.statusCode, json };
    },
    async stream(path, token, lastEventId, signal) {
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
      };
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      // No body timeout: the server only sends a heartbeat every 15 s; the caller bounds the stream.
      const res = await pool.request({
        method: 'GET',
        path,
        headers,
        signal,
        headersTimeout: timeout,
        bodyTimeout: 0,
      });
      return { status: res.statusCode, body: res.body };
    },
    close: () => pool.destroy(),
  };
}

/** Checks a response body against its schema; the schema is also the type the scenario reads. */
export function expectShape<T extends TSchema>(
  schema: T,
  value: unknown,
  what: string,
): import('@sinclair/typebox').Static<T> {
  if (!Value.Check(schema, value)) throw new OpError('protocol', `${what}: unexpected response shape`);
  return value;
}

/**
 * Maps a thrown error to the kind the report counts. `aborted` means the run ended under the step
 * (not the server's fault) and is kept out of the error rate.
 */
export function errorKind(err: unknown, runSignal: AbortSignal): string {
  if (runSignal.aborted) return 'aborted';
  if (err instanceof OpError) return err.kind;
  // AWS SDK errors (the SQS flood) carry the HTTP status the service answered with.
  const awsStatus = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (typeof awsStatus === 'number') return `http_${awsStatus}`;
  const code = (err as { code?: unknown } | null)?.code;
  const name = (err as { name?: unknown } | null)?.name;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    name === 'TimeoutError'
  ) {
    return 'timeout';
  }
  // Our own per-step timers abort with a TimeoutError reason; undici wraps it in an AbortError.
  if (code === 'UND_ERR_ABORTED' || name === 'AbortError') {
    const cause = (err as { cause?: { name?: string } }).cause;
    return cause?.name === 'TimeoutError' ? 'timeout' : 'aborted';
  }
  return 'network';
}

/** Resolves a server-given URL against the target and refuses any other origin. */
export function sameOriginPath(origin: string, url: string): string {
  const resolved = new URL(url, origin);
  if (resolved.origin !== new URL(origin).origin) {
    throw new OpError('protocol', `server pointed to ${resolved.origin}, outside the target`);
  }
  return `${resolved.pathname}${resolved.search}`;
}
