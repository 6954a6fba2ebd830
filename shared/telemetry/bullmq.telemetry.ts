import { BullMQOtel } from 'bullmq-otel';

/**
 * BullMQ's OpenTelemetry hooks when tracing is on: the producer's span context rides in each job's
 * options, so a job's `process` span continues the request's trace. Undefined (BullMQ skips all of
 * it) when tracing is off.
 */
export function bullmqTelemetry(config: { OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined }) {
  return config.OTEL_EXPORTER_OTLP_ENDPOINT ? new BullMQOtel('aira') : undefined;
}
