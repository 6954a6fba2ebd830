import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '../../../shared/telemetry/metrics';
import { observeTraced } from '../../../shared/telemetry/trace.context';

/** Request rate, errors and latency per route, and the gateway's stream gauges. */
export function createGatewayMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'aira_http_requests_total',
      help: 'HTTP requests served by the gateway',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'aira_http_request_duration_seconds',
      help: 'Gateway request latency',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: latencyBuckets,
      // Each bucket keeps the trace id of a request that landed in it.
      enableExemplars: true,
      registers: [registry],
    }),
    streamsOpen: new Gauge({
      name: 'aira_sse_streams_open',
      help: 'SSE streams being relayed',
      registers: [registry],
    }),
    sseRelay: new Histogram({
      name: 'aira_sse_relay_seconds',
      help: 'A token appended to a reply stream to it being written to an SSE client, every live token',
      buckets: latencyBuckets,
      // The trace of the stream request the token was relayed on.
      enableExemplars: true,
      registers: [registry],
    }),
    hop: new Histogram({
      name: 'aira_reply_hop_seconds',
      help: 'Per-hop time of a reply',
      labelNames: ['hop'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function registerHttpMetrics(app: FastifyInstance, metrics: GatewayMetrics) {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    observeTraced(metrics.duration, reply.elapsedTime / 1000, labels);
  });
}
