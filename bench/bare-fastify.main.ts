import { randomUUID } from 'node:crypto';
import fastify from 'fastify';

/**
 * The ceiling the gateway's enqueue path is compared with: Fastify with one route of the same shape
 * (JSON body in, 202 JSON out) and nothing behind it. No auth, no Redis, no queue.
 */
const app = fastify({ logger: false });
app.post('/api/conversations/:id/messages', async (_request, reply) => {
  const replyId = randomUUID();
  return reply
    .code(202)
    .send({ userMessageId: randomUUID(), replyId, streamUrl: `/api/replies/${replyId}/stream` });
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare fastify listening on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
