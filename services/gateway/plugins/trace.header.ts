import type { FastifyInstance } from 'fastify';
import { activeTraceIds } from '../../../shared/telemetry/trace.context';

/**
 * Every response inside a trace names it in `x-trace-id`, so a user's bug report or a load-test
 * failure leads straight to the trace (and to log lines with the same `trace_id`). Set on the raw
 * response, so the SSE stream, which writes its own head, carries it too.
 */
export function registerTraceHeader(app: FastifyInstance) {
  app.addHook('onRequest', async (_request, reply) => {
    const ids = activeTraceIds();
    if (ids) reply.raw.setHeader('x-trace-id', ids.trace_id);
  });
}
