import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/telemetry/logger';

/**
 * Aborts the LLM call of a reply this worker owns when a cancel is published. Every chat worker
 * subscribes; only the one holding the reply's controller acts on it.
 */
export function createCancelRegistry(deps: { subscriber: Redis; channel: string; log: Logger }) {
  const controllers = new Map<string, AbortController>();
  deps.subscriber.on('message', (channel: string, replyId: string) => {
    if (channel !== deps.channel) return;
    const controller = controllers.get(replyId);
    if (controller) {
      deps.log.info({ replyId }, 'cancel received');
      controller.abort(new CancelledError());
    }
  });
  return {
    start: () => deps.subscriber.subscribe(deps.channel),
    register(replyId: string): AbortController {
      const controller = new AbortController();
      controllers.set(replyId, controller);
      return controller;
    },
    release(replyId: string) {
      controllers.delete(replyId);
    },
    /** Aborts every reply in flight (a worker past its drain deadline hands its jobs back). */
    abortAll(reason: Error) {
      for (const controller of controllers.values()) controller.abort(reason);
    },
    get size() {
      return controllers.size;
    },
  };
}

export type CancelRegistry = ReturnType<typeof createCancelRegistry>;

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('reply cancelled');
  }
}
