import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { fileCommand, repoRoot } from './entries';
import { exitCodes, orphanDeadlineMs } from './run.process';

const fixture = fileCommand('shared/process/run.process.fixture', 'source');
const started: ChildProcess[] = [];
// A process that failed to stop is not left behind.
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** The fixture with an IPC channel, as every Aira spawner starts a child. */
function start(env: Record<string, string> = {}) {
  const child = spawn(fixture.command, fixture.args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  started.push(child);
  let output = '';
  let stopAsked = 0;
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
    child.once('exit', (code) => resolve({ code, ms: performance.now() - stopAsked }));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('fixture ready')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  return {
    child,
    ready,
    output: () => output,
    /** Resolves with the exit code and the time from `stop` to the exit. */
    exited,
    stop: (how: () => void) => {
      stopAsked = performance.now();
      how();
    },
  };
}

describe('runProcess', () => {
  it('stops a bad variable with one line naming it and the configuration exit code', async () => {
    const run = start({ FIXTURE_PORT: 'eighty' });
    await expect(run.ready).rejects.toThrow();
    const { code } = await run.exited;
    expect(code).toBe(exitCodes.config);
    const lines = run.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^configuration error: FIXTURE_PORT is "eighty"/);
  });

  it('shuts down and exits when the process that started it is gone', async () => {
    const run = start();
    await run.ready;
    // What a parent's death looks like from the child: its end of the channel closes.
    run.stop(() => run.child.disconnect());
    const { code, ms } = await run.exited;
    expect(code).toBe(exitCodes.ok);
    expect(ms).toBeLessThan(orphanDeadlineMs);
    expect(run.output()).toContain('parent process gone');
    expect(run.output()).toContain('closing the timer');
  });

  it('still stops on SIGTERM once nobody reads its output', async () => {
    const run = start();
    await run.ready;
    run.child.stdout?.destroy();
    run.child.stderr?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // It logs as it stops, into the closed pipe.
    run.stop(() => run.child.kill('SIGTERM'));
    // Before pino's output was written line by line, its flush at exit retried the broken pipe forever.
    const { code, ms } = await run.exited;
    expect(code).toBe(exitCodes.ok);
    expect(ms).toBeLessThan(3000);
  });
});
