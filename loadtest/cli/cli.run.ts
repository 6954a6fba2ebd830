import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSystemClock } from '../engine/clock';
import { renderHtmlReport } from '../report/html.report';
import { createProgressWriter, formatProgress } from '../report/progress.line';
import { renderSummaryText } from '../report/summary.text';
import { runLoad } from '../run/load.run';
import type { RunResults } from '../run/results.types';
import { createStatLookup } from '../run/stat.lookup';
import { evaluateThresholds } from '../thresholds/thresholds';
import { parseLoadArgs, UsageError } from './args.parse';
import { USAGE } from './usage';

/** Exit codes: stored contract for scripts and CI. */
export const EXIT = { ok: 0, thresholdsBreached: 1, usage: 2, runCutShort: 3 } as const;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Ends the run early when aborted (Ctrl-C); results are still written. */
  readonly interrupt?: AbortSignal;
}

const RESULTS_ROOT = fileURLToPath(new URL('../results/', import.meta.url));

function defaultOutDir(startedAt: string): string {
  return join(RESULTS_ROOT, startedAt.replace(/[:.]/g, '-'));
}

/** Parses flags, runs the test, writes results.json and report.html, returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let config: ReturnType<typeof parseLoadArgs>;
  try {
    config = parseLoadArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`loadtest: ${err.message}\nRun with --help for the flags.\n`);
    return EXIT.usage;
  }
  if (config === 'help') {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }

  const progress = createProgressWriter(io.stderr);
  const run = await runLoad(config, {
    clock: createSystemClock(),
    interrupt: io.interrupt,
    onTick: config.quiet ? undefined : (point, live) => progress.write(formatProgress(point, live)),
  });
  progress.end();

  const thresholds = evaluateThresholds(config.thresholds, createStatLookup(run.results, run.rec));
  const results: RunResults = { ...run.results, thresholds };
  const outDir = resolve(config.outDir ?? defaultOutDir(results.startedAt));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(outDir, 'report.html'), renderHtmlReport(results));

  io.stdout.write(renderSummaryText(results));
  io.stdout.write(`\nresults: ${join(outDir, 'results.json')}\nreport:  ${join(outDir, 'report.html')}\n`);
  if (thresholds.some((t) => !t.pass)) return EXIT.thresholdsBreached;
  if (results.end === 'hard_timeout' || results.end === 'interrupted') return EXIT.runCutShort;
  return EXIT.ok;
}
