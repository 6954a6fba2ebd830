import { ConfigError } from '../config/config.error';
import { createShutdown, type Shutdown } from '../lifecycle/shutdown';
import { isStandby, waitForActivation } from '../scaling/supervision';
import { createLogger, type Logger } from '../telemetry/logger';
import { flushTracing } from '../telemetry/tracing';
import { followParent, tolerateClosedOutput } from './parent.link';

/** How an Aira process ends; whoever started it reads why from the code. */
export const exitCodes = {
  /** Stopped when asked (a signal, its parent gone, not wanted as a standby) or its task done. */
  ok: 0,
  /** Failed to start, or failed while running. */
  failed: 1,
  /** A bad environment variable or a port already taken: the one line printed names what to change (EX_CONFIG). */
  config: 78,
  /** A second signal while shutting down: stopped without waiting. */
  interrupted: 130,
} as const;

/** With its parent gone nobody waits for a drain: what is still running after this is cut off. */
export const orphanDeadlineMs = 5000;

export interface ProcessContext<C> {
  readonly config: C;
  readonly log: Logger;
  /** Where every closer goes, in the order they should run (shared/lifecycle/shutdown.ts). */
  readonly shutdown: Shutdown;
}

export interface ProcessSpec<C> {
  /** The service name on every log line. */
  readonly name: string;
  /** Parses the environment, once; whatever it throws is a configuration error. */
  readonly config: (env: NodeJS.ProcessEnv) => C;
  /** The pino level; by default the config's LOG_LEVEL. */
  readonly logLevel?: (config: C) => string | undefined;
  /** A logger other than the JSON one to stdout (the launcher's console lines). */
  readonly logger?: (config: C) => Logger;
  /** How long a shutdown may take before the process exits anyway. */
  readonly deadlineMs?: number | ((config: C) => number);
  /** A worker fleet whose processes may start as standbys (shared/scaling/supervision.ts). */
  readonly standby?: string;
  /** A task (the migrations) exits once `main` resolves; a service runs until it is stopped. */
  readonly task?: boolean;
  /** Starts the process, adding a closer to `shutdown` for everything it opens. */
  readonly main: (context: ProcessContext<C>) => Promise<void>;
}

/**
 * The one way an Aira process runs (the tracing preload has already started telemetry by the time
 * the entry module loads): parse the environment once, log through the shared logger, start, and
 * stop through the one shutdown path — on SIGTERM, SIGINT or SIGHUP, when the process that started
 * it is gone, or when the start fails, so a half-started process closes what it opened. Telemetry
 * is flushed last and the exit code says why it ended (`exitCodes`).
 */
export function runProcess<C>(spec: ProcessSpec<C>): void {
  tolerateClosedOutput();
  const config = parseOnce(spec);
  const level = spec.logLevel ? spec.logLevel(config) : (config as { LOG_LEVEL?: string }).LOG_LEVEL;
  const log = spec.logger?.(config) ?? createLogger(spec.name, level);
  const deadline = typeof spec.deadlineMs === 'function' ? spec.deadlineMs(config) : spec.deadlineMs;
  const shutdown = createShutdown(log, deadline === undefined ? {} : { deadlineMs: deadline });

  let exiting = false;
  const stop = (reason: string, code: number, deadlineMs?: number) => {
    if (exiting) return;
    exiting = true;
    void shutdown
      .shutdown(reason, deadlineMs)
      .then(flushTracing)
      .catch((error: unknown) => log.error({ err: error }, 'telemetry flush failed'))
      .finally(() => process.exit(code));
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (exiting) process.exit(exitCodes.interrupted);
      stop(signal, exitCodes.ok);
    });
  }
  followParent(() => stop('parent process gone', exitCodes.ok, orphanDeadlineMs));

  void (async () => {
    let context: ProcessContext<C> = { config, log, shutdown };
    if (spec.standby && isStandby()) {
      const env = await waitForActivation(spec.standby, log);
      if (!env) return stop('standby not wanted', exitCodes.ok);
      context = { ...context, config: spec.config(env) };
    }
    await spec.main(context);
    if (spec.task) stop('done', exitCodes.ok);
  })().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      return stop('configuration error', exitCodes.config);
    }
    log.fatal({ err: error }, `${spec.name} failed`);
    stop('failed', exitCodes.failed);
  });
}

/** A bad variable exits with one line naming it, no stack trace: the environment is what to fix. */
function parseOnce<C>(spec: ProcessSpec<C>): C {
  try {
    return spec.config(process.env);
  } catch (error) {
    console.error(`configuration error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(exitCodes.config);
  }
}
