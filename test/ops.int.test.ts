import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsSampler } from '../loadtest/ops/ops.sampler';
import type { OpsStatus } from '../services/gateway/ops/ops.schemas';
import { createClient, eventually } from './harness/client';
import { type Stack, startStack } from './harness/stack';

const opsToken = 'ops-token-for-tests-0123456789';
const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

describe('operator views without OPS_TOKEN', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ chatWorkers: 0, writerWorkers: 0 });
  });
  afterAll(() => stack?.stop());

  it('do not exist', async () => {
    for (const path of ['/api/ops/status', '/admin/queues', '/admin/queues/api/queues']) {
      const res = await fetch(`${stack.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${opsToken}` },
      });
      await res.arrayBuffer();
      expect(res.status, path).toBe(404);
    }
  });
});

describe('operator views with OPS_TOKEN', () => {
  let stack: Stack;
  let autoscaler: Server;
  // As the autoscaler's /status reports a fleet (services/autoscaler/fleet.controller.ts), trimmed.
  const chatFleet = {
    name: 'chat',
    workers: [
      { id: 'chat-1', pid: 101, state: 'running', restarts: 0 },
      { id: 'chat-2', pid: 102, state: 'retiring', restarts: 0 },
    ],
    desired: 2,
    standby: null,
    crashLooping: false,
  };
  let fleets: unknown[] | null = [chatFleet];
  beforeAll(async () => {
    // A stand-in for the autoscaler's status page; `fleets = null` makes it refuse.
    autoscaler = createServer((_req, res) => {
      if (!fleets) res.writeHead(503).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fleets }));
    });
    await new Promise<void>((r) => autoscaler.listen(0, '127.0.0.1', r));
    const { port } = autoscaler.address() as AddressInfo;
    // No workers: what is sent stays queued, so the counts are known.
    stack = await startStack({
      chatWorkers: 0,
      writerWorkers: 0,
      env: { OPS_TOKEN: opsToken, AUTOSCALER_URL: `http://127.0.0.1:${port}/status` },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    autoscaler?.closeAllConnections();
    await new Promise((r) => autoscaler?.close(r));
  });

  const get = (path: string, authorization?: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
  /** The status alone; the body is read so the connection is free when the gateway stops. */
  const statusOf = async (path: string, authorization?: string) => {
    const res = await get(path, authorization);
    await res.arrayBuffer();
    return res.status;
  };

  it('refuse a missing or wrong token with 401', async () => {
    for (const path of ['/api/ops/status', '/admin/queues', '/admin/queues/api/queues']) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      // A browser asks for the token (as a basic-auth password) instead of showing an error.
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      expect(await statusOf(path, `Bearer ${opsToken}x`), path).toBe(401);
      expect(await statusOf(path, basic('wrong-token-0123456789')), path).toBe(401);
      // A user's session token is not an operator token.
      const user = await createClient(stack.baseUrl).guest();
      expect(await statusOf(path, `Bearer ${user.token}`), path).toBe(401);
    }
  });

  it('report queues, fleets and the dead-letter queue', async () => {
    const alice = await createClient(stack.baseUrl).guest();
    const conversationId = await alice.conversation();
    await alice.send(conversationId, 'Is anyone there?');

    const res = await get('/api/ops/status', `Bearer ${opsToken}`);
    expect(res.status).toBe(200);
    const status = (await res.json()) as OpsStatus;
    const [chat, writes, dlq] = status.queues;
    expect(chat).toMatchObject({ name: 'chat', transport: 'bullmq', waiting: 1, active: 0, backlog: 1 });
    expect(chat!.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(chat!.oldestAgeSeconds).toBeLessThan(60);
    // Guest sign-up and the conversation wait in the writes queue (no writer runs).
    expect(writes).toMatchObject({ name: stack.queues.name, transport: 'sqs' });
    expect(writes!.waiting).toBeGreaterThanOrEqual(2);
    expect(dlq).toMatchObject({ name: stack.queues.dlqName, transport: 'sqs', backlog: 0 });
    expect(status.dlq).toEqual({ name: stack.queues.dlqName, depth: 0 });
    expect(status.autoscaler).toBe('ok');
    expect(status.fleets).toEqual(fleets);
  });

  it('are what the load tool samples: queue depth and age, and the workers that take jobs', async () => {
    const sampler = startOpsSampler({ origin: stack.baseUrl, token: opsToken, intervalMs: 100 });
    try {
      const sample = await eventually(
        async () => sampler.latest(),
        (s) => s !== null,
      );
      expect(sample!.queues.chat).toBeGreaterThanOrEqual(1);
      expect(sample!.queueAgeSeconds.chat).toBeGreaterThanOrEqual(0);
      // SQS reports no age: the queue has a depth and no age rather than failing the sample.
      expect(sample!.queues[stack.queues.name]).toBeGreaterThanOrEqual(2);
      expect(sample!.queueAgeSeconds[stack.queues.name]).toBeUndefined();
      expect(sample!.workers).toEqual({ chat: { workers: 1, desired: 2 } });
    } finally {
      await sampler.close();
    }
  });

  it('pass on only fleets shaped as the autoscaler reports them', async () => {
    fleets = [{ fleet: 'chat', workers: 2, desired: 3 }];
    const res = await get('/api/ops/status', `Bearer ${opsToken}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ fleets: [], autoscaler: 'unreachable' });
    fleets = [chatFleet];
  });

  it('say when the autoscaler cannot be reached', async () => {
    fleets = null;
    const res = await get('/api/ops/status', basic(opsToken));
    expect(res.status).toBe(200);
    const status = (await res.json()) as { fleets: unknown[]; autoscaler: string };
    expect(status).toMatchObject({ fleets: [], autoscaler: 'unreachable' });
  });

  it('serve Bull Board with its page and API behind the token', async () => {
    const page = await get('/admin/queues', basic(opsToken));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<div id="root">/);
    // The page's scripts load from under the board, behind the same token.
    const base = /<base href="([^"]+)"/.exec(html)![1]!;
    const script = /<script defer src="([^"]+)"/.exec(html)![1]!;
    const asset = new URL(script, new URL(base, stack.baseUrl)).pathname;
    expect(asset).toMatch(/^\/admin\/queues\/static\//);
    expect(await statusOf(asset, basic(opsToken))).toBe(200);
    expect(await statusOf(asset)).toBe(401);

    const api = await get('/admin/queues/api/queues', `Bearer ${opsToken}`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name)).toEqual(['chat']);
    expect(body.queues[0]!.counts.waiting).toBeGreaterThanOrEqual(1);
  });
});
