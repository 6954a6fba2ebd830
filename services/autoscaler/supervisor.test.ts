import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSupervisor, type SupervisorDeps } from './supervisor';
import type { LaunchOptions, LaunchWorker, WorkerEvent } from './worker.process';

interface FakeProcess {
  readonly opts: LaunchOptions;
  readonly pid: number;
  readonly signals: NodeJS.Signals[];
  activatedAs: string | undefined;
  emit(event: WorkerEvent): void;
  activate(id: string): void;
  kill(signal: NodeJS.Signals): void;
}

/** A launcher whose processes do nothing until the test makes them speak or exit. */
function fakeLauncher() {
  const procs: FakeProcess[] = [];
  const launch: LaunchWorker = (opts, onEvent) => {
    const proc: FakeProcess = {
      opts,
      pid: 1000 + procs.length,
      signals: [],
      activatedAs: undefined,
      emit: onEvent,
      activate(id) {
        proc.activatedAs = id;
      },
      kill(signal) {
        proc.signals.push(signal);
      },
    };
    procs.push(proc);
    return proc;
  };
  return { launch, procs, cold: () => procs.filter((p) => !p.opts.standby) };
}

const ready = (p: FakeProcess, port = 9000 + p.pid) =>
  p.emit({ type: 'ready', metricsUrl: `http://127.0.0.1:${port}/metrics` });
const exit = (p: FakeProcess, code: number | null, signal: NodeJS.Signals | null = null) =>
  p.emit({ type: 'exit', code, signal, tail: [`last words of ${p.pid}`] });

function setup(overrides: Partial<SupervisorDeps> = {}) {
  const launcher = fakeLauncher();
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const onChange = vi.fn();
  const supervisor = createSupervisor({
    fleet: 'chat',
    launch: launcher.launch,
    drainDeadlineMs: 120_000,
    killGraceMs: 15_000,
    startTimeoutMs: 60_000,
    restart: { baseMs: 1000, maxMs: 60_000, crashLoopCrashes: 3, windowMs: 120_000 },
    standby: 0,
    log,
    onChange,
    ...overrides,
  });
  return { supervisor, ...launcher, logs, onChange };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('supervisor: starting', () => {
  it('starts workers up to desired, counting them as starting until they are ready', () => {
    const { supervisor, procs, onChange } = setup();
    expect(supervisor.scaleTo(3).started).toEqual(['chat-1', 'chat-2', 'chat-3']);
    expect(procs.map((p) => p.opts)).toEqual([
      { name: 'chat-1', standby: false },
      { name: 'chat-2', standby: false },
      { name: 'chat-3', standby: false },
    ]);
    expect(supervisor.counts()).toEqual({ current: 3, starting: 3, running: 0, retiring: 0 });

    ready(procs[0]!, 9001);
    ready(procs[2]!, 9003);
    expect(supervisor.counts()).toEqual({ current: 3, starting: 1, running: 2, retiring: 0 });
    expect(supervisor.runningTargets()).toEqual([
      'http://127.0.0.1:9001/metrics',
      'http://127.0.0.1:9003/metrics',
    ]);
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(supervisor.workers().map((w) => [w.id, w.state, w.pid])).toEqual([
      ['chat-1', 'running', 1000],
      ['chat-2', 'starting', 1001],
      ['chat-3', 'running', 1002],
    ]);
  });

  it('hands the next worker to the standby and starts a new standby', () => {
    const { supervisor, procs } = setup({ standby: 1 });
    supervisor.start();
    expect(procs.map((p) => p.opts)).toEqual([{ name: 'chat-standby', standby: true }]);
    procs[0]!.emit({ type: 'standby' });
    expect(supervisor.standby()).toMatchObject({ ready: 1, starting: 0 });

    supervisor.scaleTo(2);
    expect(procs[0]!.activatedAs).toBe('chat-1');
    // The refill comes before the second worker, which then takes the (still loading) new standby.
    expect(procs.map((p) => p.opts)).toEqual([
      { name: 'chat-standby', standby: true },
      { name: 'chat-standby', standby: true },
      { name: 'chat-standby', standby: true },
    ]);
    expect(procs[1]!.activatedAs).toBe('chat-2');
    expect(supervisor.standby()).toMatchObject({ ready: 0, starting: 1 });
    ready(procs[0]!);
    expect(supervisor.workers().find((w) => w.id === 'chat-1')).toMatchObject({
      state: 'running',
      pid: 1000,
    });
  });

  it('stops keeping a standby when the entry starts serving without being activated', () => {
    const { supervisor, procs, logs } = setup({ standby: 1 });
    supervisor.start();
    ready(procs[0]!);
    expect(procs[0]!.signals).toEqual(['SIGTERM']);
    exit(procs[0]!, 0);
    expect(procs).toHaveLength(1);
    expect(supervisor.standby().wanted).toBe(0);
    expect(logs.some((l) => String(l.msg).includes('ignores standby mode'))).toBe(true);
  });
});

describe('supervisor: retiring', () => {
  function fourRunning() {
    const s = setup();
    s.supervisor.scaleTo(4);
    for (const p of s.procs) ready(p);
    return s;
  }

  it('retires idle workers first, newest first, then the least busy', () => {
    const { supervisor, procs } = fourRunning();
    const busy = new Map([
      ['chat-1', 0],
      ['chat-2', 3],
      ['chat-3', 0],
      ['chat-4', 1],
    ]);
    expect(supervisor.scaleTo(2, busy).retired.map((r) => [r.id, r.inFlight])).toEqual([
      ['chat-3', 0],
      ['chat-1', 0],
    ]);
    expect(procs.map((p) => p.signals)).toEqual([['SIGTERM'], [], ['SIGTERM'], []]);
    expect(supervisor.scaleTo(1, busy).retired.map((r) => r.id)).toEqual(['chat-4']);
  });

  it('retires the newest when it cannot tell who is busy', () => {
    const { supervisor } = fourRunning();
    expect(supervisor.scaleTo(3).retired.map((r) => r.id)).toEqual(['chat-4']);
  });

  it('counts a retiring worker as leaving and kills it only after the drain deadline and the grace', () => {
    const { supervisor, procs, onChange } = fourRunning();
    onChange.mockClear();
    supervisor.scaleTo(3);
    const leaving = procs[3]!;
    expect(supervisor.counts()).toEqual({ current: 3, starting: 0, running: 3, retiring: 1 });
    expect(supervisor.runningTargets()).toHaveLength(3);
    expect(onChange).toHaveBeenCalledTimes(1);
    // Asking for 3 again does not start a replacement for the one draining.
    expect(supervisor.scaleTo(3).started).toEqual([]);

    vi.advanceTimersByTime(120_000 + 15_000 - 1);
    expect(leaving.signals).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(1);
    expect(leaving.signals).toEqual(['SIGTERM', 'SIGKILL']);
    exit(leaving, null, 'SIGKILL');
    expect(supervisor.workers().map((w) => w.id)).toEqual(['chat-1', 'chat-2', 'chat-3']);
    expect(procs).toHaveLength(4);
  });

  it('does not kill a retiring worker that exits within its drain', () => {
    const { supervisor, procs } = fourRunning();
    supervisor.scaleTo(3);
    vi.advanceTimersByTime(30_000);
    exit(procs[3]!, 0);
    vi.advanceTimersByTime(200_000);
    expect(procs[3]!.signals).toEqual(['SIGTERM']);
    expect(procs).toHaveLength(4);
  });

  it('retires a pending restart before a start, and a start before a running worker', () => {
    const { supervisor, procs } = setup();
    supervisor.scaleTo(2);
    for (const p of procs) ready(p);
    exit(procs[0]!, 1); // chat-1 waits for its restart
    supervisor.scaleTo(3); // chat-3 starting
    expect(supervisor.scaleTo(1).retired.map((r) => [r.id, r.state])).toEqual([
      ['chat-1', 'backoff'],
      ['chat-3', 'starting'],
    ]);
    vi.advanceTimersByTime(10_000);
    expect(procs).toHaveLength(3); // chat-1 was not restarted
  });

  it('sends SIGTERM to a worker retired while starting only once it is ready', () => {
    const { supervisor, procs } = setup();
    supervisor.scaleTo(1);
    supervisor.scaleTo(0);
    expect(procs[0]!.signals).toEqual([]);
    expect(supervisor.counts()).toMatchObject({ current: 0, retiring: 1 });
    ready(procs[0]!);
    expect(procs[0]!.signals).toEqual(['SIGTERM']);
  });
});

describe('supervisor: crashes', () => {
  it('restarts a crashed worker under the same id with exponential backoff', () => {
    const { supervisor, procs } = setup({
      restart: { baseMs: 1000, maxMs: 60_000, crashLoopCrashes: 5, windowMs: 120_000 },
    });
    supervisor.scaleTo(1);
    ready(procs[0]!);
    exit(procs[0]!, 1);
    expect(supervisor.workers()).toMatchObject([{ id: 'chat-1', state: 'starting', pid: null, restarts: 0 }]);
    expect(supervisor.counts()).toMatchObject({ current: 1, starting: 1 });

    const gaps: number[] = [];
    for (let crash = 1; crash <= 2; crash++) {
      const before = procs.length;
      let waited = 0;
      while (procs.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      gaps.push(waited);
      exit(procs.at(-1)!, 1);
    }
    expect(gaps).toEqual([1000, 2000]);
    vi.advanceTimersByTime(4000);
    expect(procs).toHaveLength(4);
    expect(procs.at(-1)!.opts.name).toBe('chat-1');
    expect(supervisor.workers()[0]).toMatchObject({ id: 'chat-1', restarts: 3, pid: procs.at(-1)!.pid });
  });

  it('reports a crash loop once, restarts at the longest backoff and adds no workers', () => {
    const { supervisor, procs, logs } = setup();
    supervisor.scaleTo(1);
    exit(procs[0]!, 78);
    vi.advanceTimersByTime(1000);
    exit(procs[1]!, 78);
    vi.advanceTimersByTime(2000);
    expect(supervisor.crashLooping()).toEqual([]);
    exit(procs[2]!, 78);
    expect(supervisor.crashLooping()).toEqual(['chat-1']);
    expect(supervisor.workers()[0]!.crashLoop).toBe(true);
    expect(logs.filter((l) => String(l.msg).includes('crash-looping'))).toHaveLength(1);

    expect(supervisor.scaleTo(4).started).toEqual([]);
    vi.advanceTimersByTime(59_999);
    expect(procs).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(procs).toHaveLength(4);
    exit(procs[3]!, 78);
    expect(logs.filter((l) => String(l.msg).includes('crash-looping'))).toHaveLength(1);
  });

  it('forgets the crashes of a worker that has run for the window', () => {
    const { supervisor, procs } = setup();
    supervisor.scaleTo(1);
    exit(procs[0]!, 1);
    vi.advanceTimersByTime(1000);
    exit(procs[1]!, 1);
    vi.advanceTimersByTime(2000);
    ready(procs[2]!);
    vi.advanceTimersByTime(120_000);
    exit(procs[2]!, 1);
    vi.advanceTimersByTime(999);
    expect(procs).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(procs).toHaveLength(4);
  });

  it('kills a worker that never becomes ready and counts it as a crash', () => {
    const { supervisor, procs, logs } = setup({ startTimeoutMs: 30_000 });
    supervisor.scaleTo(1);
    vi.advanceTimersByTime(30_000);
    expect(procs[0]!.signals).toEqual(['SIGKILL']);
    exit(procs[0]!, null, 'SIGKILL');
    expect(logs.some((l) => l.msg === 'worker exited unexpectedly' && l.worker === 'chat-1')).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(procs).toHaveLength(2);
  });

  it('restarts a standby that died, after a backoff', () => {
    const { supervisor, procs } = setup({ standby: 1 });
    supervisor.start();
    exit(procs[0]!, 1);
    expect(procs).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(procs.map((p) => p.opts.standby)).toEqual([true, true]);
  });
});

describe('supervisor: stop', () => {
  it('retires every worker, dismisses the standby, and resolves once all have exited', async () => {
    const { supervisor, procs } = setup({ standby: 1 });
    supervisor.start();
    supervisor.scaleTo(3); // each takes the standby in turn, and a new one is started each time
    const [first, second, third, spare] = procs as [FakeProcess, FakeProcess, FakeProcess, FakeProcess];
    expect(procs).toHaveLength(4);
    ready(first);
    ready(third);
    exit(third, 1); // chat-3 waits for a restart
    let stopped = false;
    const stopping = supervisor.stop().then(() => {
      stopped = true;
    });
    expect(first.signals).toEqual(['SIGTERM']);
    expect(second.signals).toEqual([]); // starting: SIGTERM once ready
    expect(spare.signals).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(5000);
    expect(procs).toHaveLength(4); // chat-3 is not restarted

    exit(first, 0);
    ready(second);
    expect(second.signals).toEqual(['SIGTERM']);
    exit(second, 0);
    await Promise.resolve();
    expect(stopped).toBe(false);
    exit(spare, null, 'SIGTERM');
    await stopping;
    expect(stopped).toBe(true);
    expect(supervisor.workers()).toEqual([]);
    expect(supervisor.scaleTo(2).started).toEqual([]);
  });
});
