import { collectDefaultMetrics, type OpenMetricsContentType, Registry } from 'prom-client';

/** A registry with the process metrics; each process adds its own (names in docs/METRICS.md). */
export function createRegistry(service: string): Registry {
  // OpenMetrics, so latency histograms can carry exemplars with the trace id.
  const registry = new Registry();
  (registry as unknown as Registry<OpenMetricsContentType>).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets (seconds) fine enough to see a few milliseconds of queue tax. */
export const latencyBuckets = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
