/** A small API client for tests, speaking the public HTTP contract. */
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

export function createClient(baseUrl: string, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });

  const request = async (
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: headers(body === undefined ? extra : { 'content-type': 'application/json', ...extra }),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
    return { status: res.status, headers: res.headers, json: json as any, text };
  };

  return {
    token,
    request,
    withToken: (t: string) => createClient(baseUrl, t),
    async guest() {
      const res = await request('POST', '/api/auth/guest');
      if (res.status !== 201) throw new Error(`guest: ${res.status} ${res.text}`);
      return createClient(baseUrl, res.json.token as string);
    },
    async conversation(): Promise<string> {
      const res = await request('POST', '/api/conversations');
      if (res.status !== 201) throw new Error(`conversation: ${res.status} ${res.text}`);
      return res.json.id as string;
    },
    async send(conversationId: string, content: string) {
      const res = await request('POST', `/api/conversations/${conversationId}/messages`, { content });
      if (res.status !== 202) throw new Error(`send: ${res.status} ${res.text}`);
      return res.json as { userMessageId: string; replyId: string; streamUrl: string };
    },
    async history(conversationId: string) {
      const res = await request('GET', `/api/conversations/${conversationId}/messages`);
      if (res.status !== 200) throw new Error(`history: ${res.status} ${res.text}`);
      return res.json.messages as {
        id: string;
        role: string;
        content: string;
        status: string;
        replyId: string;
      }[];
    },
    /**
     * Reads an SSE stream until a final event, or until `stopAfter` events (then drops the
     * connection, as a browser losing the network would).
     */
    async stream(
      replyId: string,
      opts: { lastEventId?: string; stopAfter?: number; onEvent?: (e: SseEvent) => void } = {},
    ): Promise<{ events: SseEvent[]; status: number }> {
      const controller = new AbortController();
      const res = await fetch(`${baseUrl}/api/replies/${replyId}/stream`, {
        headers: headers(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
        signal: controller.signal,
      });
      const events: SseEvent[] = [];
      if (res.status !== 200 || !res.body) return { events, status: res.status };
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf('\n\n');
            const event: SseEvent = { id: '', event: 'message', data: '' };
            let isEvent = false;
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) event.id = line.slice(4);
              else if (line.startsWith('event: ')) {
                event.event = line.slice(7);
                isEvent = true;
              } else if (line.startsWith('data: ')) event.data += line.slice(6);
            }
            if (!isEvent) continue;
            events.push(event);
            opts.onEvent?.(event);
            if (opts.stopAfter && events.length >= opts.stopAfter) {
              controller.abort();
              return { events, status: res.status };
            }
          }
        }
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      }
      return { events, status: res.status };
    },
  };
}

export type Client = ReturnType<typeof createClient>;

/** The reply text a client ends with: tokens, with `reset` discarding what came before. */
export function replyText(events: SseEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.event === 'token') text += (JSON.parse(e.data) as { text: string }).text;
    else if (e.event === 'reset') text = '';
  }
  return text;
}

export async function eventually<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!check(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await fn();
  }
  return last;
}
