import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTargetsWriter, targetGroups } from './targets.file';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'aira-targets-'));
  dirs.push(dir);
  return join(dir, 'prometheus', 'targets');
}

describe('Prometheus targets file', () => {
  it('lists host:port of each metrics URL under the fleet label', () => {
    expect(targetGroups('chat', ['http://127.0.0.1:4002/metrics', 'http://127.0.0.1:4001/metrics'])).toEqual([
      { targets: ['127.0.0.1:4001', '127.0.0.1:4002'], labels: { fleet: 'chat' } },
    ]);
  });

  it('creates the folder and replaces the file whole, leaving no temporary file', async () => {
    const dir = tempDir();
    const writer = createTargetsWriter({ dir, log: pino({ level: 'silent' }) });
    await writer.update('chat', ['http://127.0.0.1:4001/metrics']);
    await writer.update('chat', ['http://127.0.0.1:4001/metrics', 'http://127.0.0.1:4002/metrics']);
    await writer.update('writer', []);
    expect(readdirSync(dir).sort()).toEqual(['chat.json', 'writer.json']);
    expect(JSON.parse(readFileSync(join(dir, 'chat.json'), 'utf8'))).toEqual([
      { targets: ['127.0.0.1:4001', '127.0.0.1:4002'], labels: { fleet: 'chat' } },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'writer.json'), 'utf8'))).toEqual([
      { targets: [], labels: { fleet: 'writer' } },
    ]);
  });

  it('does not rewrite an unchanged list, and the last of quick updates wins', async () => {
    const dir = tempDir();
    const writer = createTargetsWriter({ dir, log: pino({ level: 'silent' }) });
    await writer.update('chat', ['http://127.0.0.1:4001/metrics']);
    const first = statSync(join(dir, 'chat.json')).ino;
    await writer.update('chat', ['http://127.0.0.1:4001/metrics']);
    expect(statSync(join(dir, 'chat.json')).ino).toBe(first);

    void writer.update('chat', ['http://127.0.0.1:4002/metrics']);
    void writer.update('chat', ['http://127.0.0.1:4003/metrics']);
    await writer.update('chat', ['http://127.0.0.1:4004/metrics']);
    expect(JSON.parse(readFileSync(join(dir, 'chat.json'), 'utf8'))[0].targets).toEqual(['127.0.0.1:4004']);
  });
});
