import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * An HTTP reverse proxy on loopback that does what a load balancer does to X-Forwarded-For: it
 * appends the address the request came from, after whatever the client sent.
 */
export async function startForwardingProxy(targetUrl: string): Promise<ForwardingProxy> {
  const target = new URL(targetUrl);
  const server = createServer((req, res) => {
    const from = req.socket.remoteAddress ?? '';
    const sent = req.headers['x-forwarded-for'];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': sent ? `${sent}, ${from}` : from },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
