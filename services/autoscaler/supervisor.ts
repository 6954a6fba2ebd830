import type { Logger } from '../../shared/telemetry/logger';
import { type CrashHistory, createCrashHistory, type RestartPolicy } from './crash.backoff';
import { retireOrder } from './retire.order';
import { createStandbyPool } from './standby.pool';
import type { LaunchWorker, WorkerEvent, WorkerProcess } from './worker.process';

export type WorkerState = 'starting' | 'running' | 'retiring';

/** One worker as `/status` shows it. A crashed worker waiting for its restart is `starting`, pid null. */
export interface WorkerStatus {
  readonly id: string;
  readonly pid: number | null;
  readonly state: WorkerState;
  readonly metricsUrl: string | null;
  /** When its current process started (or took over a standby), ISO time. */
  readonly startedAt: string;
  readonly readyAt: string | null;
  /** Milliseconds from startedAt to ready; null until ready. */
  readonly startupMs: number | null;
  /** Its process was a warm standby when it took this slot (its start-up is the hand-over alone). */
  readonly fromStandby: boolean;
  readonly restarts: number;
  /** Set while it waits to be restarted after a crash. */
  readonly restartAt: string | null;
  readonly crashLoop: boolean;
  /** BullMQ's id for it, the owner part of its job locks; null until it says. */
  readonly lockId: string | null;
}

export interface SupervisorDeps {
  readonly fleet: string;
  readonly launch: LaunchWorker;
  /** A retiring worker's own deadline for finishing its jobs. */
  readonly drainDeadlineMs: number;
  /** Past the drain deadline, how long before a retiring worker is killed. */
  readonly killGraceMs: number;
  readonly startTimeoutMs: number;
  readonly restart: RestartPolicy;
  /** Loaded, waiting processes to keep (the entry must support standby). */
  readonly standby: number;
  readonly log: Logger;
  /** The set of running workers changed (one started serving, stopped serving or left). */
  readonly onChange?: () => void;
}

export interface Retirement {
  readonly id: string;
  readonly state: WorkerState | 'backoff';
  readonly inFlight: number | undefined;
}

type SlotState = 'backoff' | 'starting' | 'running' | 'retiring';

interface Slot {
  readonly id: string;
  readonly seq: number;
  readonly crashes: CrashHistory;
  state: SlotState;
  proc: WorkerProcess | undefined;
  restarts: number;
  startedAt: number;
  readyAt: number | undefined;
  metricsUrl: string | undefined;
  lockId: string | undefined;
  restartAt: number | undefined;
  fromStandby: boolean;
  /** Retired before it was ready: SIGTERM waits for its shutdown handlers to be in place. */
  termOnReady: boolean;
  timers: Set<NodeJS.Timeout>;
}

/**
 * Runs one fleet's worker processes: starts them (a warm standby first), retires them without
 * cutting a job (SIGTERM, then the worker drains; killed only after its drain deadline and a grace),
 * and restarts crashed ones with exponential backoff, reporting crash loops.
 */
export function createSupervisor(deps: SupervisorDeps) {
  const { fleet, log } = deps;
  const slots = new Map<string, Slot>();
  let seq = 0;
  let stopping = false;
  let whenEmpty: (() => void) | undefined;

  const changed = () => deps.onChange?.();
  const later = (slot: Slot, ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      slot.timers.delete(timer);
      fn();
    }, ms);
    slot.timers.add(timer);
  };
  const clearTimers = (slot: Slot) => {
    for (const timer of slot.timers) clearTimeout(timer);
    slot.timers.clear();
  };
  const checkEmpty = () => {
    if (stopping && slots.size === 0 && pool.size === 0) whenEmpty?.();
  };
  const pool = createStandbyPool({ ...deps, size: deps.standby, onExit: checkEmpty });

  /** Gives the slot a process: the standby if there is one (ready ones first), else a cold start. */
  function startProcess(slot: Slot) {
    slot.state = 'starting';
    slot.startedAt = Date.now();
    slot.readyAt = undefined;
    slot.metricsUrl = undefined;
    slot.lockId = undefined;
    slot.restartAt = undefined;
    const route = (event: WorkerEvent) => onSlotEvent(slot, proc, event);
    const standby = pool.take(route);
    const proc = standby ?? deps.launch({ name: slot.id, standby: false }, route);
    standby?.activate(slot.id);
    slot.proc = proc;
    slot.fromStandby = Boolean(standby);
    log.info({ fleet, worker: slot.id, pid: proc.pid, fromStandby: slot.fromStandby }, 'worker starting');
    later(slot, deps.startTimeoutMs, () => {
      if (slot.proc !== proc || slot.readyAt !== undefined) return;
      log.error(
        { fleet, worker: slot.id, timeoutMs: deps.startTimeoutMs },
        'worker not ready in time; killing it',
      );
      proc.kill('SIGKILL');
    });
  }

  function onSlotEvent(slot: Slot, proc: WorkerProcess, event: WorkerEvent) {
    if (slot.proc !== proc) return;
    if (event.type === 'lock-id') {
      slot.lockId = event.lockId;
    } else if (event.type === 'ready') {
      slot.readyAt = Date.now();
      slot.metricsUrl = event.metricsUrl;
      log.info(
        {
          fleet,
          worker: slot.id,
          pid: proc.pid,
          startupMs: slot.readyAt - slot.startedAt,
          fromStandby: slot.fromStandby,
        },
        'worker ready',
      );
      if (slot.state === 'starting') {
        slot.state = 'running';
        later(slot, deps.restart.windowMs, () => slot.crashes.stable());
        changed();
      } else if (slot.state === 'retiring' && slot.termOnReady) {
        terminate(slot);
      }
    } else if (event.type === 'exit') {
      onExit(slot, event);
    }
  }

  function onExit(slot: Slot, event: Extract<WorkerEvent, { type: 'exit' }>) {
    const wasRunning = slot.state === 'running';
    clearTimers(slot);
    slot.proc = undefined;
    const exit = { code: event.code, signal: event.signal };
    if (slot.state === 'retiring' || stopping) {
      slots.delete(slot.id);
      const level = event.code === 0 ? 'info' : 'warn';
      log[level]({ fleet, worker: slot.id, ...exit, ranMs: Date.now() - slot.startedAt }, 'worker retired');
      changed();
      return checkEmpty();
    }
    const verdict = slot.crashes.crash(Date.now());
    slot.state = 'backoff';
    slot.restartAt = Date.now() + verdict.delayMs;
    log.error(
      {
        fleet,
        worker: slot.id,
        ...exit,
        tail: event.tail.slice(-5),
        restartInMs: verdict.delayMs,
        ...verdict,
      },
      'worker exited unexpectedly',
    );
    if (verdict.enteredCrashLoop) {
      log.error(
        { fleet, worker: slot.id, crashes: verdict.crashesInWindow, windowMs: deps.restart.windowMs },
        `${slot.id} is crash-looping; restarting it every ${Math.round(verdict.delayMs / 1000)} s and adding no workers to ${fleet} until it runs`,
      );
    }
    later(slot, verdict.delayMs, () => {
      slot.restarts += 1;
      startProcess(slot);
    });
    if (wasRunning) changed();
  }

  function terminate(slot: Slot) {
    slot.termOnReady = false;
    slot.proc?.kill('SIGTERM');
    const proc = slot.proc;
    // The worker hands its unfinished jobs back at the drain deadline; only one that hangs past
    // it and the grace is killed.
    later(slot, deps.drainDeadlineMs + deps.killGraceMs, () => {
      if (slot.proc !== proc) return;
      log.error(
        { fleet, worker: slot.id },
        'retiring worker still running past its drain deadline; killing it',
      );
      proc?.kill('SIGKILL');
    });
  }

  function retire(slot: Slot) {
    const was = slot.state;
    if (was === 'retiring') return;
    if (was === 'backoff') {
      clearTimers(slot);
      slots.delete(slot.id);
      checkEmpty();
      return;
    }
    slot.state = 'retiring';
    if (was === 'starting') slot.termOnReady = true;
    else terminate(slot);
    if (was === 'running') changed();
  }

  const serving = () => [...slots.values()].filter((s) => s.state !== 'retiring');

  return {
    /**
     * Moves the fleet toward `desired` workers. `inFlight` (jobs per worker id, when known) picks
     * which to retire. Returns the workers started and retired.
     */
    scaleTo(desired: number, inFlight?: ReadonlyMap<string, number>) {
      const started: string[] = [];
      const retired: Retirement[] = [];
      if (stopping) return { started, retired };
      const current = serving();
      if (desired > current.length) {
        const looping = current.filter((s) => s.crashes.crashLoop).map((s) => s.id);
        if (looping.length > 0) {
          log.warn(
            { fleet, crashLooping: looping, desired },
            `not adding ${fleet} workers while a worker crash-loops`,
          );
        } else {
          for (let i = current.length; i < desired; i++) {
            seq += 1;
            const slot: Slot = {
              id: `${fleet}-${seq}`,
              seq,
              crashes: createCrashHistory(deps.restart),
              state: 'starting',
              proc: undefined,
              restarts: 0,
              startedAt: Date.now(),
              readyAt: undefined,
              metricsUrl: undefined,
              lockId: undefined,
              restartAt: undefined,
              fromStandby: false,
              termOnReady: false,
              timers: new Set(),
            };
            slots.set(slot.id, slot);
            startProcess(slot);
            started.push(slot.id);
          }
        }
      } else if (desired < current.length) {
        const candidates = current.map((s) => ({
          slot: s,
          id: s.id,
          seq: s.seq,
          state: s.state as 'backoff' | 'starting' | 'running',
          inFlight: inFlight?.get(s.id),
        }));
        for (const c of retireOrder(candidates).slice(0, current.length - desired)) {
          retired.push({ id: c.id, state: c.state, inFlight: c.inFlight });
          retire(c.slot);
        }
      }
      return { started, retired };
    },

    /** What the policy counts: workers running or starting (including a pending restart). */
    counts() {
      let starting = 0;
      let running = 0;
      let retiring = 0;
      for (const s of slots.values()) {
        if (s.state === 'running') running += 1;
        else if (s.state === 'retiring') retiring += 1;
        else starting += 1;
      }
      return { current: running + starting, starting, running, retiring };
    },

    workers(): WorkerStatus[] {
      const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
      return [...slots.values()].map((s) => ({
        id: s.id,
        pid: s.proc?.pid ?? null,
        state: s.state === 'backoff' ? 'starting' : s.state,
        metricsUrl: s.metricsUrl ?? null,
        startedAt: new Date(s.startedAt).toISOString(),
        readyAt: iso(s.readyAt),
        startupMs: s.readyAt === undefined ? null : s.readyAt - s.startedAt,
        fromStandby: s.fromStandby,
        restarts: s.restarts,
        restartAt: iso(s.restartAt),
        crashLoop: s.crashes.crashLoop,
        lockId: s.lockId ?? null,
      }));
    },

    /** Metrics URLs of the workers taking jobs (retiring ones are leaving). */
    runningTargets(): string[] {
      return [...slots.values()]
        .filter((s) => s.state === 'running' && s.metricsUrl)
        .map((s) => s.metricsUrl as string);
    },

    standby: () => pool.status(),

    crashLooping(): string[] {
      return [...slots.values()].filter((s) => s.crashes.crashLoop).map((s) => s.id);
    },

    /** Starts the standby processes (nothing else starts until the first scaleTo). */
    start() {
      pool.start();
    },

    /** Retires every worker and dismisses the standbys; resolves when all have exited. */
    stop(): Promise<void> {
      stopping = true;
      const done = new Promise<void>((resolve) => {
        whenEmpty = resolve;
      });
      pool.close();
      for (const slot of [...slots.values()]) retire(slot);
      checkEmpty();
      return done;
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
