import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import FastifyOtelInstrumentation from '@fastify/otel';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { createRootSampler } from './tracing.sampler';

/** Scrapes and probes: frequent, and nothing to trace. */
const quietPaths = new Set(['/metrics', '/healthz', '/readyz']);
const isQuiet = (url: string | undefined) => quietPaths.has((url ?? '').split('?')[0] ?? '');

/**
 * The OpenTelemetry Node SDK with OTLP/HTTP export (JSON), loaded only when tracing is on.
 * Instrumented: incoming and outgoing http, fetch (undici: the OpenAI client), ioredis (BullMQ,
 * reply streams), mysql2, the AWS SDK (SQS), and Fastify through @fastify/otel (route names, hook
 * spans). fs, dns and net are off (noise); pino is off because the logger's mixin adds trace ids;
 * openai is off because the chat worker makes its own `llm.chat` span around the streamed call.
 */
export async function startSdk(serviceName: string): Promise<NodeSDK> {
  // ESM imports are hooked through import-in-the-middle, limited to the modules that
  // instrumentations ask for; CommonJS requires go through require-in-the-middle.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter(),
    sampler: new tracing.ParentBasedSampler({ root: createRootSampler() }),
    // Metrics are prom-client's and logs are pino's: nothing else is exported over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-pino': { enabled: false },
        '@opentelemetry/instrumentation-openai': { enabled: false },
        '@opentelemetry/instrumentation-runtime-node': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (request: IncomingMessage) => isQuiet(request.url),
          // An outgoing call outside any trace is background work (the AWS SDK's own calls are
          // covered by its instrumentation).
          requireParentforOutgoingSpans: true,
        },
        '@opentelemetry/instrumentation-undici': { requireParentforSpans: true },
        // BullMQ's polling and lock renewals run outside any job: only commands inside a trace count.
        '@opentelemetry/instrumentation-ioredis': { requireParentSpan: true },
        '@opentelemetry/instrumentation-aws-sdk': { suppressInternalInstrumentation: true },
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => isQuiet(route.url),
      }),
    ],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  return sdk;
}
