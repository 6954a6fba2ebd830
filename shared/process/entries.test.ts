import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { containerCommand, type EntryName, entries, entryCommand, repoRoot } from './entries';

const read = (path: string) => readFileSync(resolve(repoRoot, path), 'utf8');

describe('every way a process is started', () => {
  it('is one command per entry, with the tracing preload except for the launcher', () => {
    for (const name of Object.keys(entries) as EntryName[]) {
      const args = entryCommand(name, 'compiled').args;
      expect(args.at(-1)).toBe(resolve(repoRoot, `dist/${entries[name]}.js`));
      expect(args.includes('--import'), name).toBe(name !== 'start');
    }
    expect(entryCommand('gateway', 'source').args.slice(0, 2)).toEqual(['--import', 'tsx']);
  });

  it('is the same in the npm scripts', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const byScript: Record<string, EntryName> = {
      start: 'start',
      gateway: 'gateway',
      'worker:chat': 'chat-worker',
      'worker:writer': 'writer-worker',
      'llm-sim': 'llm-sim',
      autoscaler: 'autoscaler',
      'queue-metrics': 'queue-metrics',
      migrate: 'migrate',
    };
    for (const [script, name] of Object.entries(byScript)) {
      // Each builds first, then runs the compiled entry.
      expect(scripts[script]?.split(' && ').at(-1), script).toBe(containerCommand(name).join(' '));
    }
  });

  it('is the same in the Docker image and docker-compose', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(containerCommand('gateway'));
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { command?: unknown }> };
    const byService: Record<string, EntryName> = {
      gateway: 'gateway',
      'chat-worker': 'chat-worker',
      'writer-worker': 'writer-worker',
      'llm-sim': 'llm-sim',
      migrate: 'migrate',
    };
    for (const [service, name] of Object.entries(byService)) {
      expect(compose.services[service]?.command, service).toEqual(containerCommand(name));
    }
  });
});
