import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';

const file = resolve(import.meta.dirname, '../docs/BENCHMARKS.md');

/** The machine a figure was measured on, for the record beside it. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

/**
 * Replaces one benchmark's section of docs/BENCHMARKS.md (between its markers), leaving the others,
 * so each benchmark can be re-run on its own.
 */
export function writeSection(id: string, title: string, command: string, body: string): void {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const section = [
    start,
    `## ${title}`,
    '',
    `Command: \`${command}\`  `,
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.`,
    '',
    body.trim(),
    end,
  ].join('\n');
  let doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEach section is written by the benchmark it names; figures compare within one run, since the machine is shared and noisy.\n';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc =
    from >= 0 && to > from
      ? doc.slice(0, from) + section + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
}

/** Percentile of a sorted or unsorted sample (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;

/** The 1-minute load average of the machine, as `/proc/loadavg` gives it (others share the box). */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** The median of paired ratios a[i] / b[i]: one noisy round moves it less than a ratio of means. */
export function medianRatio(a: number[], b: number[]): number {
  return percentile(
    a.map((v, i) => v / b[i]!),
    50,
  );
}
