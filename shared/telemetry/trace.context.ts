import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Histogram, LabelValues } from 'prom-client';

/** The active span's ids in the names logs and exemplars use; undefined outside a trace (or with tracing off). */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context)) return undefined;
  return { trace_id: context.traceId, span_id: context.spanId };
}

/**
 * Observes a histogram created with `enableExemplars: true`, attaching the active trace id as its
 * exemplar. prom-client takes only the object form on such a histogram: `observe(labels, value)`
 * throws there.
 */
export function observeTraced<T extends string>(
  histogram: Histogram<T>,
  value: number,
  labels: Partial<Record<T, string | number>> = {},
): void {
  observeInTrace(histogram, value, activeTraceIds(), labels);
}

/**
 * The same with the ids of a trace captured earlier: for work done in a callback that runs outside
 * the request's context, such as a token relayed from a Redis message.
 */
export function observeInTrace<T extends string>(
  histogram: Histogram<T>,
  value: number,
  ids: { trace_id: string } | undefined,
  labels: Partial<Record<T, string | number>> = {},
): void {
  // prom-client types exemplar labels as the metric's own label names; any names are allowed.
  const exemplarLabels = (ids ? { trace_id: ids.trace_id } : {}) as LabelValues<T>;
  histogram.observe({ labels, value, exemplarLabels });
}
