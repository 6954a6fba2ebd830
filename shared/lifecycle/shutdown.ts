import type { Logger } from '../telemetry/logger';

type Handler = { name: string; run: () => Promise<void> | void };

/**
 * One shutdown path per process: named handlers run once, in the order they were added (stop
 * accepting, drain in-flight work, then close connections). The process runner
 * (shared/process/run.process.ts) triggers it on SIGTERM, SIGINT and SIGHUP, when the parent
 * process is gone, and after a failed start; it flushes telemetry and exits after it.
 */
export function createShutdown(log: Logger, opts: { deadlineMs?: number } = {}) {
  const handlers: Handler[] = [];
  let running: Promise<void> | undefined;

  /**
   * Runs every handler once; a later call returns the same promise. Past the deadline (a shorter
   * one may be given, e.g. when nobody is left to wait for a drain) the process exits with 1.
   */
  const shutdown = (reason: string, deadlineMs = opts.deadlineMs ?? 150_000): Promise<void> => {
    running ??= (async () => {
      // Nothing was opened yet (a start that failed at once): nothing to say.
      if (handlers.length === 0) return;
      log.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ reason, deadlineMs }, 'shutdown deadline passed, exiting');
        process.exit(1);
      }, deadlineMs);
      timer.unref();
      for (const handler of handlers) {
        try {
          await handler.run();
        } catch (error) {
          log.error({ err: error, handler: handler.name }, 'shutdown handler failed');
        }
      }
      clearTimeout(timer);
      log.info('stopped');
    })();
    return running;
  };

  return {
    add(name: string, run: Handler['run']) {
      handlers.push({ name, run });
    },
    shutdown,
    get started() {
      return running !== undefined;
    },
  };
}

export type Shutdown = ReturnType<typeof createShutdown>;

/** Wraps a close so that calling it twice is harmless. */
export function once(close: () => Promise<unknown> | unknown): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= Promise.resolve()
      .then(close)
      .then(() => undefined);
    return done;
  };
}
