import type { Logger } from '../../shared/telemetry/logger';
import { createCrashHistory, type RestartPolicy } from './crash.backoff';
import type { LaunchWorker, WorkerEvent, WorkerProcess } from './worker.process';

interface Standby {
  readonly proc: WorkerProcess;
  ready: boolean;
  route: (event: WorkerEvent) => void;
}

/**
 * Loaded worker processes waiting to be handed an identity (shared/scaling/supervision.ts). Taking
 * one starts a replacement at once; one that dies is replaced after a backoff.
 */
export function createStandbyPool(deps: {
  fleet: string;
  launch: LaunchWorker;
  size: number;
  restart: RestartPolicy;
  log: Logger;
  /** Called when a standby exits after `close()`. */
  onExit: () => void;
}) {
  const { fleet, log } = deps;
  const standbys = new Set<Standby>();
  const crashes = createCrashHistory(deps.restart);
  let wanted = deps.size;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function refill() {
    if (closed || timer) return;
    while (standbys.size < wanted) {
      const standby: Standby = { proc: undefined as unknown as WorkerProcess, ready: false, route: () => {} };
      standby.route = (event) => onEvent(standby, event);
      (standby as { proc: WorkerProcess }).proc = deps.launch(
        { name: `${fleet}-standby`, standby: true },
        (event) => standby.route(event),
      );
      standbys.add(standby);
    }
  }

  function onEvent(standby: Standby, event: WorkerEvent) {
    if (event.type === 'standby') {
      standby.ready = true;
      crashes.stable();
    } else if (event.type === 'ready') {
      // It started serving without being asked: this entry does not support standby.
      log.error({ fleet }, `${fleet} worker entry ignores standby mode; running without a standby`);
      wanted = 0;
      standby.proc.kill('SIGTERM');
    } else if (event.type === 'exit') {
      standbys.delete(standby);
      if (closed || wanted === 0) return deps.onExit();
      const verdict = crashes.crash(Date.now());
      log.warn(
        { fleet, code: event.code, signal: event.signal, tail: event.tail.slice(-5), ...verdict },
        'standby exited',
      );
      timer = setTimeout(() => {
        timer = undefined;
        refill();
      }, verdict.delayMs);
    }
  }

  return {
    start: refill,
    /** A standby (a ready one first), whose events go to `onEvent` from now on; undefined if none. */
    take(onEvent: (event: WorkerEvent) => void): WorkerProcess | undefined {
      const standby = [...standbys].sort((a, b) => Number(b.ready) - Number(a.ready))[0];
      if (!standby) return undefined;
      standbys.delete(standby);
      standby.route = onEvent;
      refill();
      return standby.proc;
    },
    get size() {
      return standbys.size;
    },
    status() {
      const ready = [...standbys].filter((s) => s.ready).length;
      return {
        wanted,
        ready,
        starting: standbys.size - ready,
        crashLoop: crashes.crashLoop,
        pids: [...standbys].flatMap((s) => (s.proc.pid === undefined ? [] : [s.proc.pid])),
      };
    },
    /** Dismisses every standby and starts no more. */
    close() {
      closed = true;
      clearTimeout(timer);
      for (const standby of standbys) standby.proc.kill('SIGTERM');
    },
  };
}
