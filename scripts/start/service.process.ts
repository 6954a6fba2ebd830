import type { ChildProcess } from 'node:child_process';
import { spawnChild } from '../../shared/process/spawn.process';
import { prefixLines } from './log.prefix';

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts one service as a child process with prefixed output; resolves when its ready line appears. */
export async function spawnService(opts: {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** A line of output that means ready, or a URL that answers 200 once ready (independent of log level). */
  ready: RegExp | URL;
  index: number;
  timeoutMs?: number;
}): Promise<ServiceProcess> {
  // Ctrl-C reaches only the launcher, which stops services in order; should the launcher die, each
  // service sees its IPC channel close and stops (shared/process/spawn.process.ts).
  const child = spawnChild(opts, { ...process.env, ...opts.env });
  // A service still running when the launcher exits (one that outlived its stop's grace) goes with it.
  process.once('exit', () => child.kill('SIGKILL'));
  prefixLines(opts.name, child.stdout!, opts.index);
  prefixLines(opts.name, child.stderr!, opts.index);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.name} did not become ready in time`)),
      opts.timeoutMs ?? 60_000,
    );
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const { ready } = opts;
    if (ready instanceof URL) {
      const poll = () =>
        fetch(ready)
          .then((res) => (res.ok ? done() : setTimeout(poll, 100)))
          .catch(() => setTimeout(poll, 100));
      poll();
    } else {
      const watch = (chunk: Buffer) => {
        if (ready.test(chunk.toString())) {
          child.stdout!.off('data', watch);
          done();
        }
      };
      child.stdout!.on('data', watch);
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${code}) before it was ready`));
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    child,
    exited,
    stop(graceMs = 150_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
