import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { activationLine, followSupervisor, parseActivation, waitForActivation } from './supervision';

const quiet = { info: () => undefined };

describe('standby activation', () => {
  it('announces itself and starts with the environment it is handed', async () => {
    const input = new PassThrough();
    const said: string[] = [];
    const env = { AIRA_STANDBY: '1', WORKER_ID: 'chat-standby', REDIS_URL: 'redis://x:6379' };
    const waiting = waitForActivation('chat', { info: (msg) => said.push(msg) }, input, env);
    input.write(activationLine({ WORKER_ID: 'chat-7' }).slice(0, 5));
    input.write(activationLine({ WORKER_ID: 'chat-7' }).slice(5));
    expect(await waiting).toEqual({ WORKER_ID: 'chat-7', REDIS_URL: 'redis://x:6379' });
    expect(said).toEqual(['chat worker standby']);
  });

  it('gives up when its input ends first', async () => {
    const input = new PassThrough();
    const waiting = waitForActivation('chat', quiet, input, {});
    input.end();
    expect(await waiting).toBeNull();
  });

  it('rejects an activation that is not a map of variables to strings', () => {
    expect(() => parseActivation('{"WORKER_ID":7}')).toThrow(/variable names to strings/);
    expect(() => parseActivation('{"worker id":"x"}')).toThrow(/variable names to strings/);
    expect(() => parseActivation('go')).toThrow(/not JSON/);
  });
});

describe('following the supervisor', () => {
  it('tells a supervised worker when stdin ends, even after its activation was read', async () => {
    const input = new PassThrough();
    const gone = vi.fn();
    const waiting = waitForActivation('chat', quiet, input, {});
    input.write(activationLine({ WORKER_ID: 'chat-1' }));
    await waiting;
    followSupervisor(gone, input, { AIRA_SUPERVISED: '1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(gone).not.toHaveBeenCalled();
    input.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('leaves a worker started by hand alone', async () => {
    const input = new PassThrough();
    const gone = vi.fn();
    followSupervisor(gone, input, {});
    input.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(gone).not.toHaveBeenCalled();
  });
});
