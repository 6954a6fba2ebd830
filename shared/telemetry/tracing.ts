import { basename, dirname } from 'node:path';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';

export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans still buffered and stops the SDK; safe to call twice. */
  shutdown(): Promise<void>;
}

const disabled: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Starts OpenTelemetry tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (spans
 * go there over OTLP/HTTP); otherwise does nothing and loads nothing. Must run before the modules
 * it instruments are imported, so it is called from the preload `instrument.ts`, never from app code.
 * The standard `OTEL_*` variables (OTEL_BSP_SCHEDULE_DELAY, OTEL_NODE_DISABLED_INSTRUMENTATIONS, …)
 * tune it further.
 */
export async function startTracing(
  serviceName: string,
  env: Record<string, string | undefined> = process.env,
): Promise<Tracing> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return disabled;
  const { startSdk } = await import('./tracing.sdk');
  const sdk = await startSdk(serviceName);
  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => {
      stopping ??= sdk.shutdown();
      return stopping;
    },
  };
}

/**
 * Exports buffered spans, for a process's shutdown path (process.exit would drop them). A no-op
 * when tracing is off: it reaches the SDK through the OpenTelemetry API's global provider, where
 * the preload registered it.
 */
export async function flushTracing(): Promise<void> {
  const global = trace.getTracerProvider();
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  const flush = (provider as { forceFlush?: () => Promise<void> }).forceFlush;
  if (flush) await flush.call(provider);
}

/** Service names by entry point, the same names as the processes' loggers and metrics use. */
const serviceNames: Record<string, string> = {
  gateway: 'gateway',
  chat: 'chat-worker',
  writer: 'writer-worker',
  'llm-sim': 'llm-sim',
  'queue-metrics': 'queue-metrics',
  autoscaler: 'autoscaler',
};

/** `services/gateway/main.ts` → `gateway`; an unknown entry is named after its folder. */
export function serviceNameOf(entry: string | undefined): string {
  if (!entry) return 'aira';
  const folder = basename(dirname(entry));
  return serviceNames[folder] ?? folder;
}
