import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const colors = [36, 33, 35, 32, 34, 91, 96, 93];
const levels: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const hidden = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'workerId']);

/**
 * Prints a child's output line by line behind its name. JSON log lines are shown as
 * `level message {rest}` so a person can read the stack's output; anything else passes through.
 */
export function prefixLines(
  name: string,
  stream: Readable,
  index: number,
  write = (s: string) => process.stdout.write(s),
) {
  const tty = process.stdout.isTTY;
  const label = tty ? `\x1b[${colors[index % colors.length]}m[${name}]\x1b[0m` : `[${name}]`;
  createInterface({ input: stream }).on('line', (line) => write(`${label} ${humanize(line)}\n`));
}

export function humanize(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const level = levels[Number(entry.level)] ?? 'info';
    const rest = Object.fromEntries(Object.entries(entry).filter(([k]) => !hidden.has(k)));
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${level.padEnd(5)} ${String(entry.msg ?? '')}${extra}`;
  } catch {
    return line;
  }
}
