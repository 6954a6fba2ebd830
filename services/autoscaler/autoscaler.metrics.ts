import { Counter, Gauge, type Registry } from 'prom-client';

/** The autoscaler's metrics (names in docs/METRICS.md). */
export function createAutoscalerMetrics(registry: Registry, fleets: readonly string[]) {
  const registers = [registry];
  const metrics = {
    workers: new Gauge({
      name: 'aira_autoscaler_workers',
      help: 'Worker processes running (ready and taking jobs)',
      labelNames: ['fleet'] as const,
      registers,
    }),
    desired: new Gauge({
      name: 'aira_autoscaler_desired_workers',
      help: "The policy's last decision",
      labelNames: ['fleet'] as const,
      registers,
    }),
    decisions: new Counter({
      name: 'aira_autoscaler_decisions_total',
      help: 'Scaling decisions by direction',
      labelNames: ['fleet', 'direction'] as const,
      registers,
    }),
    backlog: new Gauge({
      name: 'aira_autoscaler_backlog',
      help: 'Backlog the policy saw',
      labelNames: ['fleet'] as const,
      registers,
    }),
    queueAge: new Gauge({
      name: 'aira_autoscaler_queue_age_seconds',
      help: 'Oldest-job age the policy saw',
      labelNames: ['fleet'] as const,
      registers,
    }),
    crashLoop: new Gauge({
      name: 'aira_autoscaler_crashloop',
      help: '1 while a worker of the fleet is crash-looping',
      labelNames: ['fleet'] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'aira_queue_depth',
      help: 'Jobs per state, as the autoscaler read them',
      labelNames: ['queue', 'transport', 'state'] as const,
      registers,
    }),
    queueOldestAge: new Gauge({
      name: 'aira_queue_oldest_age_seconds',
      help: 'Age of the oldest waiting job or message, as the autoscaler read it',
      labelNames: ['queue', 'transport'] as const,
      registers,
    }),
  };
  // Every series exists from the start, so rate() and absent() see zeros rather than nothing.
  for (const fleet of fleets) {
    for (const direction of ['up', 'down', 'hold']) metrics.decisions.inc({ fleet, direction }, 0);
    metrics.crashLoop.set({ fleet }, 0);
    metrics.workers.set({ fleet }, 0);
  }
  return metrics;
}

export type AutoscalerMetrics = ReturnType<typeof createAutoscalerMetrics>;
