/**
 * `npm run build`: builds the browser app (web/build.ts) and compiles every process (shared/process/entries.ts) into dist/, one ES module
 * per entry plus shared chunks, so production and `npm start` run JavaScript and a new worker
 * starts in a fraction of a second instead of compiling TypeScript for seconds.
 *
 * Dependencies are bundled too — loading one file is far cheaper than resolving hundreds — except
 * those that must stay packages: the ones OpenTelemetry instruments by hooking their import
 * (bundled, they would run untraced), native addons, and those that read their own files at run time.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { entries, preload, repoRoot } from '../shared/process/entries';

/** Loaded as packages at run time (see above). */
export const runtimePackages = [
  // Instrumented by OpenTelemetry through import hooks.
  'ioredis',
  'mysql2',
  '@aws-sdk/*',
  '@smithy/*',
  '@opentelemetry/*',
  '@fastify/otel',
  'import-in-the-middle',
  'require-in-the-middle',
  // Native addons.
  'better-sqlite3',
  'msgpackr-extract',
  // Read files or start workers from their own folder.
  'pino',
  'thread-stream',
  '@fastify/swagger-ui',
  '@fastify/static',
  '@bull-board/*',
  'local-aws-sqs',
  // Loads the CommonJS `cookie` with a dynamic import(): a bundle would offer only its default
  // export, where Node's own loader finds the named ones.
  '@fastify/cookie',
  // Build-time tools, loaded only by development paths.
  'esbuild',
  'tsx',
];

export async function buildRuntime(outdir = join(repoRoot, 'dist')) {
  const started = performance.now();
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: repoRoot,
    entryPoints: [...Object.values(entries), preload].map((path) => ({ in: `${path}.ts`, out: path })),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: runtimePackages,
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __aira_cr } from 'node:module'; const require = __aira_cr(import.meta.url);",
    },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return { outdir, ms: performance.now() - started };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { outdir, ms } = await buildRuntime();
  console.log(`dist: ${Object.keys(entries).length} entries in ${Math.round(ms)} ms (${outdir})`);
  await import('../web/build');
}
