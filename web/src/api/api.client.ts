import type { Static } from '@sinclair/typebox';
import type { ErrorBody as ErrorBodySchema } from '../../../services/gateway/http.schemas';

type ErrorBody = Static<typeof ErrorBodySchema>;

/**
 * Same-origin JSON client for `/api`. Authentication rides on the HttpOnly `aira_session`
 * cookie, so the token in auth responses is deliberately never stored by the browser app.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What the server adds to some codes: the body field and limit of a `field_*` code, Retry-After. */
    readonly details: { field?: string; limit?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Status 0 marks a request that never got an answer (offline, DNS, aborted). */
export const NETWORK_ERROR = 'network';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** Non-2xx statuses that carry a meaningful body for the caller instead of an error. */
  accept?: number[];
  signal?: AbortSignal;
}

export interface ApiClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
}

export interface ApiClientDeps {
  fetch: typeof fetch;
  /** Sent as Accept-Language on every request. */
  language: () => string;
  /** Called when a request is refused for lack of a session (expired cookie, logged out elsewhere). */
  onUnauthorized: () => void;
}

export function createApiClient(deps: ApiClientDeps): ApiClient {
  async function request<T>(method: string, path: string, options: RequestOptions = {}) {
    const url = options.query ? `${path}?${new URLSearchParams(options.query)}` : path;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Accept-Language': deps.language(),
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
    }
    const body = await readBody(response);
    if (response.ok || options.accept?.includes(response.status)) {
      return { status: response.status, body: body as T };
    }
    if (response.status === 401 && !path.startsWith('/api/auth/')) deps.onUnauthorized();
    const error = (body as { error?: Partial<ErrorBody['error']> } | null)?.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? '', {
      field: error?.field,
      limit: error?.limit,
      retryAfterSeconds: retryAfter > 0 ? retryAfter : undefined,
    });
  }

  return {
    request,
    async get<T>(path: string, options?: RequestOptions) {
      return (await request<T>('GET', path, options)).body;
    },
    async post<T>(path: string, body?: unknown) {
      return (await request<T>('POST', path, { body })).body;
    },
    async put<T>(path: string, body?: unknown) {
      return (await request<T>('PUT', path, { body })).body;
    },
  };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: `http_${response.status}`, message: text.slice(0, 200) } };
  }
}
