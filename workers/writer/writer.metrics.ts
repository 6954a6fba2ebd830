import { Counter, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '../../shared/telemetry/metrics';

export function createWriterMetrics(registry: Registry) {
  return {
    batchSize: new Histogram({
      name: 'aira_writer_batch_size',
      help: 'Messages per writer batch',
      buckets: [1, 2, 3, 5, 8, 10],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'aira_writer_batch_duration_seconds',
      help: 'Time to write one batch',
      buckets: latencyBuckets,
      // Observed inside the batch's span, whose trace links to the messages' traces.
      enableExemplars: true,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'aira_writer_messages_total',
      help: 'Writes handled by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type WriterMetrics = ReturnType<typeof createWriterMetrics>;
