import { SpanKind, trace } from '@opentelemetry/api';
import { Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { activeTraceIds, observeTraced } from './trace.context';
import { flushTracing, serviceNameOf, startTracing } from './tracing';
import { startsTrace } from './tracing.sampler';
import { installTestTracing } from './tracing.testing';

describe('startTracing', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const tracing = await startTracing('gateway', {});
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
    // No SDK was registered: spans are no-ops with no ids.
    trace.getTracer('t').startActiveSpan('s', (span) => {
      expect(span.isRecording()).toBe(false);
      expect(activeTraceIds()).toBeUndefined();
      span.end();
    });
    await flushTracing();
  });

  it('names services after their entry point', () => {
    expect(serviceNameOf('services/gateway/main.ts')).toBe('gateway');
    expect(serviceNameOf('/app/workers/chat/main.ts')).toBe('chat-worker');
    expect(serviceNameOf('workers/writer/main.ts')).toBe('writer-worker');
    expect(serviceNameOf('services/llm-sim/main.ts')).toBe('llm-sim');
    expect(serviceNameOf(undefined)).toBe('aira');
  });
});

describe('root sampling', () => {
  it('starts traces at requests, jobs, batches and sends, not at polling', () => {
    expect(startsTrace(SpanKind.SERVER, {})).toBe(true);
    expect(startsTrace(SpanKind.PRODUCER, {})).toBe(true);
    expect(startsTrace(SpanKind.CONSUMER, { 'messaging.operation.type': 'process' })).toBe(true);
    expect(startsTrace(SpanKind.CONSUMER, {})).toBe(true);
    // An SQS long poll, a Redis command or BullMQ's getNextJob outside any trace.
    expect(startsTrace(SpanKind.CONSUMER, { 'messaging.operation.type': 'receive' })).toBe(false);
    expect(startsTrace(SpanKind.CLIENT, {})).toBe(false);
    expect(startsTrace(SpanKind.INTERNAL, {})).toBe(false);
  });
});

describe('with a tracer provider', () => {
  let tracing: ReturnType<typeof installTestTracing>;
  beforeAll(() => {
    tracing = installTestTracing();
  });
  afterAll(() => tracing.uninstall());

  it('logs the trace and span id inside a span, and nothing outside one', () => {
    const lines: string[] = [];
    const log = createLogger('test', 'info', { write: (line: string) => lines.push(line) });
    log.info('outside');
    const ids = trace.getTracer('t').startActiveSpan('work', (span) => {
      log.info('inside');
      span.end();
      return span.spanContext();
    });
    const [outside, inside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outside).not.toHaveProperty('trace_id');
    expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('attaches the trace id as an exemplar, and observes without one outside a trace', async () => {
    const registry = new Registry();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    const histogram = new Histogram({
      name: 'test_seconds',
      help: 'test',
      labelNames: ['hop'] as const,
      buckets: [0.1, 1],
      enableExemplars: true,
      registers: [registry],
    });
    observeTraced(histogram, 0.5, { hop: 'pickup' });
    const traceId = trace.getTracer('t').startActiveSpan('work', (span) => {
      observeTraced(histogram, 0.05, { hop: 'pickup' });
      span.end();
      return span.spanContext().traceId;
    });
    const text = await registry.metrics();
    expect(text).toContain(`test_seconds_bucket{le="0.1",hop="pickup"} 1 # {trace_id="${traceId}"} 0.05`);
    expect(text).toContain('test_seconds_count{hop="pickup"} 2');
  });
});
