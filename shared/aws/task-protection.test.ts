import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTaskProtection, putTaskProtection, taskProtectionUrl } from './task-protection';

interface Seen {
  method: string;
  url: string;
  body: { ProtectionEnabled?: boolean; ExpiresInMinutes?: number };
}

// A stand-in for the ECS agent endpoint, on a random port.
let server: Server;
let agentUri: string;
let seen: Seen[];
let reply: (body: Seen['body']) => { status: number; json: unknown };

beforeEach(async () => {
  seen = [];
  reply = (body) => ({ status: 200, json: { protection: { ProtectionEnabled: body.ProtectionEnabled } } });
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as Seen['body'];
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const { status, json } = reply(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  agentUri = `http://127.0.0.1:${port}/api/0f1e-task`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('putTaskProtection', () => {
  it('PUTs the state to the agent path', async () => {
    await putTaskProtection(agentUri, { enabled: true, expiresInMinutes: 15 });
    expect(seen).toEqual([
      {
        method: 'PUT',
        url: '/api/0f1e-task/task-protection/v1/state',
        body: { ProtectionEnabled: true, ExpiresInMinutes: 15 },
      },
    ]);
  });

  it('sends no expiry when disabling', async () => {
    await putTaskProtection(agentUri, { enabled: false, expiresInMinutes: 15 });
    expect(seen[0]?.body).toEqual({ ProtectionEnabled: false });
  });

  it('throws when the agent reports a failure, even with status 200', async () => {
    reply = () => ({ status: 200, json: { failure: { Reason: 'TASK_NOT_VALID' } } });
    await expect(putTaskProtection(agentUri, { enabled: true })).rejects.toThrow(/TASK_NOT_VALID/);
  });

  it('throws on an error status', async () => {
    reply = () => ({ status: 500, json: { error: { Code: 'ServerException' } } });
    await expect(putTaskProtection(agentUri, { enabled: true })).rejects.toThrow(/500/);
  });

  it('joins the agent URI and path without a double slash', () => {
    expect(taskProtectionUrl('http://169.254.170.2/api/x/')).toBe(
      'http://169.254.170.2/api/x/task-protection/v1/state',
    );
  });
});

describe('createTaskProtection', () => {
  it('does nothing outside ECS', async () => {
    const fetchSpy = vi.fn<typeof fetch>();
    const protection = createTaskProtection({ agentUri: undefined, fetch: fetchSpy });
    const release = await protection.hold();
    await release();
    await protection.close();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('protects on the first job and unprotects after the last one', async () => {
    const protection = createTaskProtection({ agentUri, lingerMs: 0, expiresInMinutes: 30 });
    const first = await protection.hold();
    const second = await protection.hold();
    expect(seen.map((s) => s.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 30 }]);

    await first();
    expect(seen).toHaveLength(1);
    await second();
    expect(seen.map((s) => s.body.ProtectionEnabled)).toEqual([true, false]);
  });

  it('makes one call for holds that arrive together', async () => {
    const protection = createTaskProtection({ agentUri, lingerMs: 0 });
    const releases = await Promise.all([protection.hold(), protection.hold(), protection.hold()]);
    expect(seen).toHaveLength(1);
    await Promise.all(releases.map((release) => release()));
    expect(seen.map((s) => s.body.ProtectionEnabled)).toEqual([true, false]);
  });

  it('stays protected through a short idle gap (linger)', async () => {
    const protection = createTaskProtection({ agentUri, lingerMs: 200 });
    await (await protection.hold())();
    const release = await protection.hold();
    await release();
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 2_000 });
    expect(seen.map((s) => s.body.ProtectionEnabled)).toEqual([true, false]);
  });

  it('renews protection once half of it has run out', async () => {
    let clock = 0;
    const protection = createTaskProtection({
      agentUri,
      lingerMs: 0,
      expiresInMinutes: 10,
      now: () => clock,
    });
    const longJob = await protection.hold();
    clock = 4 * 60_000;
    await (await protection.hold())();
    expect(seen).toHaveLength(1);
    clock = 6 * 60_000;
    await (await protection.hold())();
    expect(seen.map((s) => s.body.ProtectionEnabled)).toEqual([true, true]);
    await longJob();
  });

  it('logs a failed call, does not throw, and tries again on the next hold', async () => {
    reply = () => ({ status: 200, json: { failure: { Reason: 'TASK_NOT_VALID' } } });
    const warn = vi.fn();
    const protection = createTaskProtection({ agentUri, lingerMs: 0, log: { warn } });
    const release = await protection.hold();
    expect(warn).toHaveBeenCalledOnce();

    reply = (body) => ({ status: 200, json: { protection: body } });
    await protection.hold();
    expect(seen.map((s) => s.body.ProtectionEnabled)).toEqual([true, true]);
    await release();
  });

  it('drops protection on close, once', async () => {
    const protection = createTaskProtection({ agentUri, lingerMs: 60_000 });
    await protection.hold();
    await protection.close();
    await protection.close();
    expect(seen.map((s) => s.body.ProtectionEnabled)).toEqual([true, false]);
  });

  it('ignores a second call of the same release', async () => {
    const protection = createTaskProtection({ agentUri, lingerMs: 0 });
    const a = await protection.hold();
    const b = await protection.hold();
    await a();
    await a();
    expect(seen).toHaveLength(1);
    await b();
    expect(seen).toHaveLength(2);
  });
});
