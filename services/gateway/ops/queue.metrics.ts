import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../../shared/telemetry/logger';
import type { QueuesReader } from './queues.reader';

/**
 * `aira_queue_depth` and `aira_queue_oldest_age_seconds` (docs/METRICS.md), read from Redis and SQS
 * when Prometheus scrapes, so they are never staler than the scrape. A queue that cannot be read
 * drops out of that scrape (and its alerts see the gap) instead of failing the whole /metrics.
 */
export function registerQueueMetrics(deps: { registry: Registry; queues: QueuesReader; log: Logger }) {
  const depth = new Gauge({
    name: 'aira_queue_depth',
    help: 'Jobs or messages per queue and state',
    labelNames: ['queue', 'transport', 'state'] as const,
    registers: [deps.registry],
    collect: async () => {
      depth.reset();
      for (const q of await read()) {
        for (const [state, count] of Object.entries(q.states)) {
          depth.set({ queue: q.name, transport: q.transport, state }, count);
        }
      }
    },
  });
  const age = new Gauge({
    name: 'aira_queue_oldest_age_seconds',
    help: 'Age of the oldest waiting job or message',
    labelNames: ['queue', 'transport'] as const,
    registers: [deps.registry],
    collect: async () => {
      age.reset();
      for (const q of await read()) {
        if (q.oldestAgeSeconds !== null)
          age.set({ queue: q.name, transport: q.transport }, q.oldestAgeSeconds);
      }
    },
  });

  const read = async () => {
    try {
      return await deps.queues.read();
    } catch (error) {
      deps.log.warn({ err: error }, 'queue metrics not read');
      return [];
    }
  };
  return { depth, age };
}
