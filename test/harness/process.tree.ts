import { readdirSync, readFileSync } from 'node:fs';

/** State and parent of a process from /proc (Linux), or undefined once it is gone. */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: the fields start after its last ')'.
    const [state, ppid] = line.slice(line.lastIndexOf(')') + 2).split(' ');
    return { state: state ?? '', ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

const pids = () =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);

/** Whether a process still runs (a zombie waiting to be reaped does not). */
export const isRunning = (pid: number) => {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
};

/** Every running process below `pid`: its children, theirs, and so on. */
export function descendantsOf(pid: number): number[] {
  const all = pids().flatMap((p) => {
    const s = stat(p);
    return s && isRunning(p) ? [{ pid: p, ppid: s.ppid }] : [];
  });
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p.pid);
        walk(p.pid);
      }
    }
  };
  walk(pid);
  return found;
}

/**
 * Running processes whose environment holds `entry` (`NAME=value`): whatever a test started,
 * however far down, wherever it was reparented to.
 */
export function processesWithEnv(entry: string): number[] {
  return pids().filter((pid) => {
    if (pid === process.pid || !isRunning(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
    } catch {
      return false;
    }
  });
}
