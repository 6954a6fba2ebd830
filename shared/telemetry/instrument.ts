/**
 * Preload that starts tracing before any instrumented module (http, fastify, ioredis, mysql2,
 * the AWS SDK) is imported: `node --import tsx --import ./shared/telemetry/instrument.ts <entry>`.
 * Without OTEL_EXPORTER_OTLP_ENDPOINT it does nothing. OTEL_SERVICE_NAME overrides the name taken
 * from the entry point.
 */
import { serviceNameOf, startTracing } from './tracing';

await startTracing(process.env.OTEL_SERVICE_NAME || serviceNameOf(process.argv[1]));
