import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Queue } from 'bullmq';
import { registerBullBoard } from './bull.board';
import type { FleetsReader } from './fleets.reader';
import { createOpsGuard } from './ops.auth';
import { OpsStatus, type QueueStatus } from './ops.schemas';
import type { QueueReading, QueuesReader } from './queues.reader';

export interface OpsRouteDeps {
  opsToken: string;
  queues: QueuesReader;
  fleets: FleetsReader;
  /** Queues shown on the board under /admin/queues. */
  boardQueues: Queue[];
}

const toStatus = (q: QueueReading): QueueStatus => ({
  name: q.name,
  transport: q.transport,
  waiting: q.states.waiting ?? q.states.visible ?? 0,
  active: q.states.active ?? q.states.inflight ?? 0,
  delayed: q.states.delayed ?? 0,
  backlog: q.backlog,
  oldestAgeSeconds: q.oldestAgeSeconds,
  states: q.states,
});

/**
 * Operator views, registered only when OPS_TOKEN is set (so without it they are 404 like any
 * unknown path): `GET /api/ops/status` and Bull Board under `/admin/queues`. Both need the token.
 */
export const opsRoutes: FastifyPluginAsyncTypebox<OpsRouteDeps> = async (app, deps) => {
  app.addHook('onRequest', createOpsGuard(deps.opsToken));

  app.get(
    '/api/ops/status',
    {
      schema: {
        tags: ['ops'],
        summary: 'Queues, worker fleets and the dead-letter queue (operator token)',
        response: { 200: OpsStatus },
      },
    },
    async (): Promise<OpsStatus> => {
      const [queues, fleets] = await Promise.all([deps.queues.read(), deps.fleets.read()]);
      // The reader lists the dead-letter queue last.
      const dlq = queues.at(-1)!;
      return {
        queues: queues.map(toStatus),
        fleets: fleets.fleets,
        autoscaler: fleets.autoscaler,
        dlq: { name: dlq.name, depth: dlq.backlog },
      };
    },
  );

  await registerBullBoard(app, { basePath: '/admin/queues', queues: deps.boardQueues });
};
