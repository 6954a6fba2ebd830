import type { Logger } from '../telemetry/logger';

type Handler = { name: string; run: () => Promise<void> | void };

/**
 * One shutdown path per process: named handlers run once, in the order they were added (stop
 * accepting, drain in-flight work, then close connections and flush telemetry). SIGTERM and SIGINT
 * trigger it; a second signal exits at once.
 */
export function createShutdown(log: Logger, opts: { deadlineMs?: number } = {}) {
  const handlers: Handler[] = [];
  let running: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    running ??= (async () => {
      log.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        log.error('shutdown deadline passed, exiting');
        process.exit(1);
      }, opts.deadlineMs ?? 150_000);
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
    listen(exit = true) {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(130);
        void shutdown(signal).then(() => exit && process.exit(0));
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
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
