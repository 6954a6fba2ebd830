import { createInterface } from 'node:readline';
import { type EntryName, entryCommand, type Runtime } from '../../shared/process/entries';
import { spawnChild } from '../../shared/process/spawn.process';
import { activationMessage, STANDBY_ENV } from '../../shared/scaling/supervision';

/** What a worker process reports to its supervisor, read from its JSON log lines. */
export type WorkerEvent =
  | { readonly type: 'standby' }
  | { readonly type: 'ready'; readonly metricsUrl: string | undefined }
  | { readonly type: 'lock-id'; readonly lockId: string }
  | {
      readonly type: 'exit';
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      /** The last lines it wrote, for the crash report. */
      readonly tail: readonly string[];
    };

export interface WorkerProcess {
  readonly pid: number | undefined;
  /** Starts a standby process as worker `id`; its output is labelled `[id]` from then on. */
  activate(id: string): void;
  kill(signal: NodeJS.Signals): void;
}

export interface LaunchOptions {
  /** Label for its output and, unless standby, its WORKER_ID. */
  readonly name: string;
  readonly standby: boolean;
}

export type LaunchWorker = (opts: LaunchOptions, onEvent: (event: WorkerEvent) => void) => WorkerProcess;

// The supervisor learns readiness, metrics port and lock id from info lines, so workers it starts
// log at least at info.
const quieterThanInfo = new Set(['warn', 'error', 'fatal', 'silent']);

/** Reads one worker log line; undefined when it carries nothing for the supervisor. */
export function parseWorkerLine(line: string): Exclude<WorkerEvent, { type: 'exit' }> | undefined {
  if (!line.startsWith('{')) return undefined;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  if (msg.endsWith(' worker ready')) {
    return { type: 'ready', metricsUrl: typeof entry.metrics === 'string' ? entry.metrics : undefined };
  }
  if (msg.endsWith(' worker standby')) return { type: 'standby' };
  if (typeof entry.bullmqWorkerId === 'string') return { type: 'lock-id', lockId: entry.bullmqWorkerId };
  return undefined;
}

/**
 * Starts worker processes of one entry, as every process is started (shared/process/entries.ts:
 * compiled when this process is), each with its own WORKER_ID and a free metrics port. Every line
 * they print goes to `output` prefixed with the worker's id.
 */
export function createProcessLauncher(deps: {
  entry: EntryName;
  env: Record<string, string | undefined>;
  output: (line: string) => void;
  runtime?: Runtime;
}): LaunchWorker {
  const launch = entryCommand(deps.entry, deps.runtime);
  const base: Record<string, string | undefined> = { ...process.env, ...deps.env, METRICS_PORT: '0' };
  if (quieterThanInfo.has(base.LOG_LEVEL ?? '')) base.LOG_LEVEL = 'info';

  return ({ name, standby }, onEvent) => {
    let label = name;
    const env = standby ? { ...base, [STANDBY_ENV]: '1' } : { ...base, WORKER_ID: name };
    // Its IPC channel carries a standby's activation, and its closing tells the worker this
    // process is gone; in its own process group, a Ctrl-C reaches only the supervisor, which
    // retires workers in order (shared/process/spawn.process.ts).
    const child = spawnChild(launch, env);
    const tail: string[] = [];
    const onLine = (line: string) => {
      deps.output(`[${label}] ${line}`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      const event = parseWorkerLine(line);
      if (event) onEvent(event);
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
    }
    // A failed spawn emits 'error' and, when the process never ran, no 'exit'.
    let exited = false;
    const exit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      onEvent({ type: 'exit', code, signal, tail: [...tail] });
    };
    child.on('error', (error) => {
      onLine(`failed to start: ${error.message}`);
      if (child.pid === undefined) exit(null, null);
    });
    // 'close' comes after the output is read to the end, so the tail is complete.
    child.on('close', (code, signal) => exit(code, signal));
    // A message to a worker that has just died fails; its exit is reported on its own.
    const send = (message: unknown) => {
      if (child.connected) child.send(message as object, () => undefined);
    };

    return {
      pid: child.pid,
      activate(id) {
        label = id;
        send(activationMessage({ WORKER_ID: id }));
      },
      kill(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  };
}
