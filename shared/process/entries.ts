import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Every process Aira runs, by name, and its entry file. `npm run build` compiles each into
 * `dist/<path>.js`; whoever starts a process (the launcher, the autoscaler, the test harness)
 * starts that file with the tracing preload through `entryCommand` (and `spawnChild`), and the
 * Docker image, docker-compose, the CDK task definitions and the npm scripts through
 * `containerCommand` (entries.test.ts holds them to it). Each entry runs through `runProcess`
 * (run.process.ts).
 */
export const entries = {
  gateway: 'services/gateway/main',
  'chat-worker': 'workers/chat/main',
  'writer-worker': 'workers/writer/main',
  'llm-sim': 'services/llm-sim/main',
  autoscaler: 'services/autoscaler/main',
  'queue-metrics': 'services/queue-metrics/main',
  migrate: 'shared/db/migrate.main',
  start: 'scripts/start',
} as const;

export type EntryName = keyof typeof entries;

/** Starts tracing before anything it instruments loads (a no-op without OTEL_EXPORTER_OTLP_ENDPOINT). */
export const preload = 'shared/telemetry/instrument';

/** The folder that holds package.json, found from this file wherever it was compiled to. */
export const repoRoot: string = (() => {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'aira'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no Aira package.json above ${import.meta.dirname}`);
  }
})();

/** Compiled JavaScript under dist/ (production, npm start) or TypeScript through tsx (development, tests). */
export type Runtime = 'compiled' | 'source';

/** This process's own runtime: a compiled process starts compiled children. */
export const currentRuntime: Runtime = import.meta.url.endsWith('.ts') ? 'source' : 'compiled';

/** The path of an entry (or the preload) for a runtime, relative to the repository root. */
export const entryFile = (path: string, runtime: Runtime) =>
  runtime === 'compiled' ? `dist/${path}.js` : `${path}.ts`;

/**
 * The command that runs a process: `node --import <preload> <entry>`, compiled or through tsx.
 * Paths are absolute, so it works from any working directory.
 */
export const entryCommand = (name: EntryName, runtime: Runtime = currentRuntime) =>
  fileCommand(entries[name], runtime, traced(name));

/**
 * The launcher is not traced: it is on no request's path, and traced, its in-process SQS emulator
 * would start a trace for every poll a writer makes. It still starts through runProcess.
 */
const traced = (name: EntryName) => name !== 'start';

/**
 * The same for any module of this repository (a script, a benchmark's server), by its path without
 * extension: tests and benchmarks run their helpers as Aira's own processes run.
 */
export function fileCommand(
  path: string,
  runtime: Runtime,
  withPreload = true,
): { command: string; args: string[] } {
  const file = (p: string) => resolve(repoRoot, entryFile(p, runtime));
  const loader = runtime === 'source' ? ['--import', 'tsx'] : [];
  const tracing = withPreload ? ['--import', pathToFileURL(file(preload)).href] : [];
  return { command: process.execPath, args: [...loader, ...tracing, file(path)] };
}

/**
 * The same command inside the Docker image (WORKDIR /app, `node` on the PATH), for the ECS task
 * definitions and docker-compose.
 */
export const containerCommand = (name: EntryName): string[] => [
  'node',
  ...(traced(name) ? ['--import', `./${entryFile(preload, 'compiled')}`] : []),
  entryFile(entries[name], 'compiled'),
];
