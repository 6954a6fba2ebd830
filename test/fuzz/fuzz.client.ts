import { Pool } from 'undici';
import { hasShape, type Operation } from './openapi.operations';
import type { RequestPlan } from './request.arbitraries';

export interface FuzzCredentials {
  own: string;
  other: string;
  /** A token whose session was logged out. */
  expired: string;
  /** A fresh live session, for requests that end the session they carry. */
  disposable: () => string;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

/** These end the session they are sent with; they get a throwaway one so the fuzzer keeps its own. */
const sessionEnding = new Set(['POST /api/auth/logout', 'POST /api/auth/signup']);

/**
 * Sends fuzzed requests over a pool of keep-alive connections (undici, which unlike fetch lets a
 * GET carry a body and sends the path bytes as given).
 */
export function createFuzzClient(baseUrl: string, creds: FuzzCredentials, connections = 32) {
  const pool = new Pool(baseUrl, { connections, headersTimeout: 30_000, bodyTimeout: 30_000 });

  const headersOf = (plan: RequestPlan): Record<string, string> => {
    const headers: Record<string, string> = { ...plan.headers };
    const live = (token: string) => (sessionEnding.has(plan.route) ? creds.disposable() : token);
    switch (plan.auth) {
      case 'own':
        headers.authorization = `Bearer ${live(creds.own)}`;
        break;
      case 'other':
        headers.authorization = `Bearer ${live(creds.other)}`;
        break;
      case 'expired':
        headers.authorization = `Bearer ${creds.expired}`;
        break;
      case 'cookie-own':
        headers.cookie = `aira_session=${live(creds.own)}`;
        break;
      case 'lowercase-scheme':
        headers.authorization = `bearer ${live(creds.own)}`;
        break;
      case 'raw-header':
        headers.authorization = plan.rawAuth ?? '';
        break;
      case 'raw-cookie':
        headers.cookie = `aira_session=${plan.rawAuth ?? ''}`;
        break;
      case 'none':
        break;
    }
    if (plan.contentType !== undefined) headers['content-type'] = plan.contentType;
    return headers;
  };

  const bodyOf = (plan: RequestPlan): string | Buffer | undefined => {
    const body = plan.body;
    switch (body.kind) {
      case 'none':
        return undefined;
      case 'json':
        return JSON.stringify(body.value) ?? 'undefined';
      case 'text':
        return body.text;
      case 'bytes':
        return Buffer.from(body.bytes);
      case 'huge':
        return body.json ? JSON.stringify({ content: 'x'.repeat(body.bytes) }) : 'x'.repeat(body.bytes);
    }
  };

  return {
    async send(plan: RequestPlan): Promise<FuzzResponse> {
      const res = await pool.request({
        path: plan.path,
        method: plan.method as 'GET',
        headers: headersOf(plan),
        body: bodyOf(plan),
      });
      const contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        // An open reply stream never ends while no worker runs; its status is what is checked.
        res.body.on('error', () => undefined);
        res.body.destroy();
        return { status: res.statusCode, contentType, text: '' };
      }
      return { status: res.statusCode, contentType, text: await res.body.text() };
    },
    close: () => pool.close(),
  };
}

/**
 * What every response must be, whatever was sent: never a 5xx, and for a 4xx a JSON error body
 * `{ error: { code, message } }` (or the body the operation documents for that status, like the
 * survey's 409 `{ status: 'incomplete' }`). Returns the problem, or undefined.
 */
export function checkResponse(
  plan: RequestPlan,
  res: FuzzResponse,
  op: Operation | undefined,
): string | undefined {
  if (res.status >= 500) return `server error ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status < 400 || plan.method === 'HEAD') return undefined;
  if (!res.contentType.startsWith('application/json'))
    return `${res.status} with content-type "${res.contentType}": ${res.text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `${res.status} with a body that is not JSON: ${res.text.slice(0, 200)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') return undefined;
  const documented = op?.responses[String(res.status)];
  if (documented && hasShape(body, documented)) return undefined;
  return `${res.status} without an error body: ${res.text.slice(0, 200)}`;
}

/** Request counts per row and status, for the table printed at the end. */
export function createTally() {
  const counts = new Map<string, Map<number, number>>();
  return {
    add(route: string, status: number) {
      const row = counts.get(route) ?? new Map<number, number>();
      row.set(status, (row.get(status) ?? 0) + 1);
      counts.set(route, row);
    },
    count(route: string, status?: number): number {
      const row = counts.get(route);
      if (!row) return 0;
      if (status !== undefined) return row.get(status) ?? 0;
      return [...row.values()].reduce((a, b) => a + b, 0);
    },
    get total() {
      let n = 0;
      for (const row of counts.values()) for (const c of row.values()) n += c;
      return n;
    },
    /** Rows are routes, columns statuses (`err` for a request that got no response). */
    table(): Record<string, Record<string, number>> {
      const statuses = [...new Set([...counts.values()].flatMap((r) => [...r.keys()]))].sort((a, b) => a - b);
      const out: Record<string, Record<string, number>> = {};
      for (const route of [...counts.keys()].sort()) {
        const row = counts.get(route)!;
        const cells: Record<string, number> = { total: this.count(route) };
        for (const s of statuses) cells[s === 0 ? 'err' : String(s)] = row.get(s) ?? 0;
        out[route] = cells;
      }
      return out;
    },
  };
}
