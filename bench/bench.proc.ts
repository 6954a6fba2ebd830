import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Linux /proc readings about the processes a benchmark starts (the stack's services are its grandchildren). */

/** The direct children of `pid`. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text) out.push(...text.split(/\s+/).map(Number));
  }
  return out;
}

/** The child of `pid` whose command line contains `match` (say, `services/gateway/main.ts`). */
export function findChild(pid: number, match: string): number {
  for (const child of childPids(pid)) {
    const cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ');
    if (cmdline.includes(match)) return child;
  }
  throw new Error(`no child of ${pid} runs ${match}`);
}

/** Resident memory of a process, in KiB (VmRSS). */
export function rssKib(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]);
}

/** Local ports of the process's TCP (IPv4) connections to `remotePort`, e.g. its Redis connections. */
export function connectionsTo(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
    } catch {
      // closed while listing
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const [, local, remote, state] = cols;
    // 01 = ESTABLISHED
    if (state !== '01' || !inodes.has(cols[9]!)) continue;
    if (Number.parseInt(remote!.split(':')[1]!, 16) === remotePort)
      ports.push(Number.parseInt(local!.split(':')[1]!, 16));
  }
  return ports;
}

/** The soft and hard limit on open files of a process. */
export function fileLimit(pid: number | 'self' = 'self'): { soft: number; hard: number } {
  const line = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(
    readFileSync(`/proc/${pid}/limits`, 'utf8'),
  );
  const n = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: n(line?.[1]), hard: n(line?.[2]) };
}

/**
 * Raises this process's open-file limit to at least `want` (children started afterwards inherit
 * it), with `prlimit`; raising the hard limit needs root. Throws with the shell command to run
 * instead when it cannot.
 */
export function raiseFileLimit(want: number): { soft: number; hard: number } {
  const now = fileLimit();
  if (now.soft >= want) return now;
  const hard = Math.max(now.hard, want);
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${want}:${hard}`]);
  } catch (error) {
    throw new Error(
      `open-file limit is ${now.soft} and could not be raised to ${want} (${(error as Error).message.split('\n')[0]}); run \`ulimit -n ${want}\` in the shell first`,
    );
  }
  return fileLimit();
}

/** CPU time a process has used so far (user + system), in milliseconds, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
