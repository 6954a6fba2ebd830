import { connect, type Socket } from 'node:net';

/** One SSE stream held open on a raw socket; `text` is what arrived since it was opened (bounded). */
export interface HeldStream {
  readonly socket: Socket;
  text: string;
  /** Called with every chunk after the stream opened (a waiter for a token sets it). */
  onData?: (chunk: string) => void;
}

const KEEP = 8192;

/**
 * Opens `GET path` as an event stream without keep-alive or an HTTP agent: one socket per stream,
 * nothing pooled. Resolves once the response head and the first frame (`retry:`) arrived, which
 * the gateway writes only after it has subscribed the stream to its relay.
 */
export function openStream(
  port: number,
  path: string,
  token: string,
  timeoutMs = 30_000,
): Promise<HeldStream> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const held: HeldStream = { socket, text: '' };
    let open = false;
    const fail = (why: string) => {
      if (open) return;
      open = true;
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no stream in ${timeoutMs} ms`), timeoutMs);
    socket.setNoDelay(true);
    socket.once('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      held.text += text;
      if (held.text.length > KEEP) held.text = held.text.slice(-KEEP);
      if (open) {
        held.onData?.(text);
        return;
      }
      if (!held.text.includes('\r\n\r\n')) return;
      if (!held.text.startsWith('HTTP/1.1 200')) return fail(held.text.split('\r\n')[0] ?? 'bad response');
      if (!held.text.includes('retry:')) return;
      open = true;
      clearTimeout(timer);
      held.text = '';
      resolve(held);
    });
    socket.on('error', (error) => fail(error.message));
    socket.on('close', () => fail('closed before the stream opened'));
  });
}
