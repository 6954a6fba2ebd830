import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';

/**
 * Bull Board (jobs per state, payloads, retries) at `basePath`, inside the caller's context so the
 * caller's hooks (the operator guard) cover its page, assets and API alike.
 */
export async function registerBullBoard(
  app: FastifyInstance,
  opts: { basePath: string; queues: Queue[] },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(opts.basePath);
  createBullBoard({
    queues: opts.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Aira queues' } },
  });
  await app.register(serverAdapter.registerPlugin() as unknown as FastifyPluginCallback, {
    prefix: opts.basePath,
  });
}
