import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** `GET /metrics`, `GET /status` (JSON) and `GET /healthz` of the autoscaler. */
export async function startAutoscalerServer(deps: {
  registry: Registry;
  status: () => unknown;
  healthy: () => boolean;
  port: number;
  host: string;
}) {
  const json = (status: number, body: unknown) => ({
    status,
    type: 'application/json',
    body: JSON.stringify(body),
  });
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    let reply: { status: number; type: string; body: string };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        reply = json(405, { error: { code: 'method_not_allowed', message: 'Only GET is served here' } });
      } else if (path === '/metrics') {
        reply = { status: 200, type: deps.registry.contentType, body: await deps.registry.metrics() };
      } else if (path === '/status') {
        reply = json(200, deps.status());
      } else if (path === '/healthz') {
        const ok = deps.healthy();
        reply = json(ok ? 200 : 503, { status: ok ? 'ok' : 'stopping' });
      } else {
        reply = json(404, { error: { code: 'not_found', message: 'Not found' } });
      }
    } catch (error) {
      reply = json(500, { error: { code: 'internal', message: (error as Error).message } });
    }
    res
      .writeHead(reply.status, { 'content-type': reply.type })
      .end(req.method === 'HEAD' ? undefined : reply.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${deps.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
