import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '../engine/clock';
import { createRecorder } from '../metrics/metrics.recorder';
import { runMaxRate } from './max-rate.runner';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const options = { path: '/healthz', method: 'GET' as const, requestTimeoutMs: 2000 };

describe('runMaxRate', () => {
  it('counts every response the server sent, chunked or not, and fails 5xx by status', async () => {
    let served = 0;
    let fails = 0;
    const origin = await listen((req, res) => {
      served++;
      expect(req.url).toBe('/healthz');
      if (served % 5 === 0) {
        fails++;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"status":"busy"}');
      } else {
        // write + end makes Node send a chunked body.
        res.write('{"status":');
        res.end('"ok"}');
      }
    });
    const rec = createRecorder();
    const out = await runMaxRate(
      { ...options, origin, connections: 3, pipelining: 2, durationMs: 400 },
      { rec, clock: createSystemClock(), signal: new AbortController().signal },
    );
    rec.tick();
    const { metrics, errors } = rec.summary(400);
    expect(out.requests).toBeGreaterThan(50);
    // Stopping waits for what is on the wire: nothing sent goes unanswered or uncounted.
    expect(out.requests).toBe(served);
    expect(metrics.http_request).toMatchObject({ count: served, failures: fails });
    expect(errors.byKind).toEqual({ http_503: fails });
    expect(metrics.http_request!.p50).toBeGreaterThan(0);
  });

  it('backs off when the target refuses connections instead of spinning', async () => {
    const origin = await listen(() => {});
    server!.close();
    await new Promise((r) => setTimeout(r, 20));
    const rec = createRecorder();
    const out = await runMaxRate(
      { ...options, origin, connections: 2, pipelining: 1, durationMs: 300 },
      { rec, clock: createSystemClock(), signal: new AbortController().signal },
    );
    expect(out.failed).toBeGreaterThan(0);
    expect(out.failed).toBeLessThan(100);
    expect(rec.summary(300).errors.byKind.network).toBe(out.failed);
  });

  it('fails requests that get no answer with timeout', async () => {
    const origin = await listen(() => {});
    const rec = createRecorder();
    const stop = new AbortController();
    const out = await runMaxRate(
      { ...options, origin, connections: 1, pipelining: 1, durationMs: 250, requestTimeoutMs: 100 },
      { rec, clock: createSystemClock(), signal: stop.signal },
    );
    expect(out.failed).toBeGreaterThanOrEqual(1);
    expect(rec.summary(250).errors.byKind.timeout).toBe(out.failed);
  });
});
