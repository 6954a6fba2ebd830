import { type ChildProcess, spawn } from 'node:child_process';
import { type EntryName, entryCommand, fileCommand, repoRoot } from '../../shared/process/entries';

export { repoRoot };

export interface ChildHandle {
  child: ChildProcess;
  output: () => string;
  /** Waits for the process to exit; resolves with its exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Runs a TypeScript file of this repository (an entry point, a script, a benchmark's server) as a
 * child process and resolves once a line of its output matches `ready`.
 */
export function spawnEntry(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
  args: string[] = [],
): Promise<ChildHandle> {
  const launch = fileCommand(entry.replace(/\.ts$/, ''), 'source');
  return spawnReady(
    entry,
    { ...launch, args: [...launch.args, ...args] },
    { ...process.env, ...env },
    ready,
    timeoutMs,
  );
}

/** Runs one of Aira's processes compiled, exactly as `npm start` and production start it (`npm run build` first). */
export function spawnCompiled(
  name: EntryName,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<ChildHandle> {
  return spawnReady(name, entryCommand(name, 'compiled'), { ...process.env, ...env }, ready, timeoutMs);
}

/**
 * Runs a command in the repository with exactly `env` (nothing inherited, as in a container) and
 * resolves once a line of its output matches `ready`. Like every Aira child it has an IPC channel
 * to this process, so it stops when the test process is gone (shared/process/spawn.process.ts);
 * it stays in the test's process group, so a Ctrl-C stops it too.
 */
export async function spawnReady(
  name: string,
  launch: { command: string; args: string[] },
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<ChildHandle> {
  const child = spawn(launch.command, launch.args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((done) => {
    child.on('exit', (code, signal) => done(signal ?? code));
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      child.kill('SIGKILL');
      fail(new Error(`${name} not ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
