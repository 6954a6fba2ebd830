import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { followParent } from '../process/parent.link';
import { activationMessage, parseActivation, waitForActivation } from './supervision';

const quiet = { info: () => undefined };

/** The parent's end of an IPC channel as `process` shows it: 'message' and 'disconnect' events. */
function fakeParent() {
  const parent = new EventEmitter() as EventEmitter & { channel: { ref(): void; unref(): void } };
  parent.channel = { ref: vi.fn(), unref: vi.fn() };
  return parent;
}

describe('standby activation', () => {
  it('announces itself and starts with the environment it is handed', async () => {
    const parent = fakeParent();
    const said: string[] = [];
    const env = { AIRA_STANDBY: '1', WORKER_ID: 'chat-standby', REDIS_URL: 'redis://x:6379' };
    const waiting = waitForActivation('chat', { info: (msg) => said.push(msg) }, parent, env);
    // Nothing else keeps a standby alive while it waits.
    expect(parent.channel.ref).toHaveBeenCalled();
    parent.emit('message', activationMessage({ WORKER_ID: 'chat-7' }));
    expect(await waiting).toEqual({ WORKER_ID: 'chat-7', REDIS_URL: 'redis://x:6379' });
    expect(said).toEqual(['chat worker standby']);
    expect(parent.channel.unref).toHaveBeenCalled();
  });

  it('gives up when the channel closes first', async () => {
    const parent = fakeParent();
    const waiting = waitForActivation('chat', quiet, parent, {});
    parent.emit('disconnect');
    expect(await waiting).toBeNull();
  });

  it('refuses to wait without a parent to activate it', async () => {
    const lonely = new EventEmitter();
    await expect(waitForActivation('chat', quiet, lonely, {})).rejects.toThrow(/IPC/);
  });

  it('rejects an activation that is not a map of variables to strings', () => {
    expect(() => parseActivation({ activate: { WORKER_ID: 7 } })).toThrow(/variable names to strings/);
    expect(() => parseActivation({ activate: { 'worker id': 'x' } })).toThrow(/variable names to strings/);
    expect(() => parseActivation('go')).toThrow(/variable names to strings/);
  });
});

describe('following the parent', () => {
  it('calls back once when the channel closes, even after an activation was read', async () => {
    const parent = fakeParent();
    const gone = vi.fn();
    expect(followParent(gone, parent)).toBe(true);
    const waiting = waitForActivation('chat', quiet, parent, {});
    parent.emit('message', activationMessage({ WORKER_ID: 'chat-1' }));
    await waiting;
    expect(gone).not.toHaveBeenCalled();
    parent.emit('disconnect');
    parent.emit('disconnect');
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('leaves a process started without a channel alone', () => {
    const gone = vi.fn();
    expect(followParent(gone, new EventEmitter())).toBe(false);
  });
});
