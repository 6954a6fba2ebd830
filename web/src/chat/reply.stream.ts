import type { ReplyEvent } from './reply.state';

export type ConnectionState = 'open' | 'reconnecting' | 'broken';

export interface ReplyStreamOptions {
  EventSource: typeof EventSource;
  /** Same-origin stream URL, e.g. `/api/replies/<id>/stream`. */
  url: string;
  /** Where to resume after a page reload; null replays the reply from its first event. */
  lastEventId: string | null;
  baseUrl: string;
  onEvent: (event: ReplyEvent) => void;
  onConnection: (state: ConnectionState) => void;
}

export interface ReplyStream {
  close(): void;
}

/**
 * Follows one reply's Server-Sent Events. After a dropped connection the browser reconnects on
 * its own and sends `Last-Event-ID`; after a page reload the id travels as `?lastEventId=`.
 * The stream is closed on the final event, or EventSource would reconnect to a finished reply.
 */
export function openReplyStream(options: ReplyStreamOptions): ReplyStream {
  const url = new URL(options.url, options.baseUrl);
  if (options.lastEventId !== null) url.searchParams.set('lastEventId', options.lastEventId);
  const source = new options.EventSource(url.toString());
  let closed = false;

  function close() {
    closed = true;
    source.close();
  }

  function deliver(event: ReplyEvent, final: boolean) {
    if (closed) return;
    if (final) close();
    options.onEvent(event);
  }

  source.addEventListener('open', () => {
    if (!closed) options.onConnection('open');
  });
  source.addEventListener('token', (event) => {
    const data = parseData(event);
    if (typeof data.text === 'string')
      deliver({ type: 'token', id: event.lastEventId, text: data.text }, false);
  });
  source.addEventListener('reset', (event) => deliver({ type: 'reset', id: event.lastEventId }, false));
  source.addEventListener('done', (event) => deliver({ type: 'done', id: event.lastEventId }, true));
  source.addEventListener('cancelled', (event) =>
    deliver({ type: 'cancelled', id: event.lastEventId }, true),
  );
  source.addEventListener('error', (event) => {
    if (closed) return;
    // A server-sent `event: error` arrives as a MessageEvent; a lost connection as a plain Event.
    if (event instanceof MessageEvent) {
      const data = parseData(event);
      deliver(
        {
          type: 'error',
          id: event.lastEventId,
          code: typeof data.code === 'string' ? data.code : 'error',
          message: typeof data.message === 'string' ? data.message : '',
        },
        true,
      );
    } else if (source.readyState === options.EventSource.CLOSED) {
      // The browser gave up (an HTTP error or a non-stream answer): it will not retry by itself.
      close();
      options.onConnection('broken');
    } else {
      options.onConnection('reconnecting');
    }
  });

  return { close };
}

function parseData(event: MessageEvent): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(String(event.data));
    return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
