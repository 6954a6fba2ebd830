import { type Attributes, type Context, SpanKind } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';

/**
 * Decides which spans may start a trace. A trace starts where work starts: an HTTP request, a job
 * or a batch of messages taken up, a message sent. Spans without a parent that are none of these
 * are background polling (a worker waiting for its next job, an SQS long poll that came back
 * empty, stalled-job checks, Redis and SQS calls made by a /metrics scrape) and would otherwise
 * bury the traces worth reading. Spans with a parent follow it (wrapped in a ParentBasedSampler).
 */
export function createRootSampler(): tracing.Sampler {
  return {
    shouldSample(
      _context: Context,
      _traceId: string,
      _name: string,
      kind: SpanKind,
      attributes: Attributes,
    ): tracing.SamplingResult {
      return {
        decision: startsTrace(kind, attributes)
          ? tracing.SamplingDecision.RECORD_AND_SAMPLED
          : tracing.SamplingDecision.NOT_RECORD,
      };
    },
    toString: () => 'AiraRootSampler',
  };
}

export function startsTrace(kind: SpanKind, attributes: Attributes): boolean {
  if (kind === SpanKind.SERVER || kind === SpanKind.PRODUCER) return true;
  // The SQS receive span is the poll itself; the writer's batch span is the consumer worth a trace.
  if (kind === SpanKind.CONSUMER) return attributes['messaging.operation.type'] !== 'receive';
  return false;
}
