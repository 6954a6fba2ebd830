import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gauge, Histogram } from 'prom-client';
import type { RedisKeys } from '../../../shared/redis/keys';
import { finalEvents, isStreamId, type StoredEvent } from '../../../shared/replies/reply.events';
import type { ConversationStore } from '../conversations/conversation.store';
import { errorResponses, ReplyParams } from '../http.schemas';
import { HttpError, notFound } from '../plugins/errors';
import type { ReplyService } from './reply.service';
import { compareIds, type StreamHub } from './stream.hub';

export interface ReplyRouteDeps {
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  replies: ReplyService;
  conversations: ConversationStore;
  hub: StreamHub;
  keys: RedisKeys;
  exists: (key: string) => Promise<number>;
  heartbeatMs: number;
  metrics: { open: Gauge; relay: Histogram<'hop'> };
}

const frame = (e: StoredEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;

export const replyRoutes: FastifyPluginAsyncTypebox<ReplyRouteDeps> = async (app, deps) => {
  app.addHook('preHandler', deps.requireUser);
  // Open streams end when the gateway stops; their clients resume elsewhere with Last-Event-ID.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of open) finish();
  });

  /** A finished reply whose stream has expired, replayed from the history as two events. */
  const replayFromHistory = async (
    userId: string,
    conversationId: string,
    replyId: string,
  ): Promise<StoredEvent[]> => {
    const message = (await deps.conversations.history(userId, conversationId)).find((m) => m.id === replyId);
    if (!message || message.status === 'streaming') return [];
    const final: StoredEvent =
      message.status === 'complete'
        ? { id: '0-2', type: 'done', data: JSON.stringify({ finishReason: 'stop', usage: null }) }
        : message.status === 'cancelled'
          ? { id: '0-2', type: 'cancelled', data: JSON.stringify({ content: message.content }) }
          : {
              id: '0-2',
              type: 'error',
              data: JSON.stringify({ code: 'llm_failed', message: 'The reply failed.' }),
            };
    return [{ id: '0-1', type: 'token', data: JSON.stringify({ text: message.content }) }, final];
  };

  app.get(
    '/api/replies/:replyId/stream',
    {
      schema: {
        tags: ['chat'],
        summary: 'The reply as Server-Sent Events; Last-Event-ID (or ?lastEventId=) resumes',
        description:
          'Events: `token` {text}, `reset` {attempt} (discard the text so far), `done` {finishReason, usage, timings}, `cancelled` {content}, `error` {code, message}. Every event has an id; a comment heartbeat is sent every 15 s.',
        params: ReplyParams,
        querystring: Type.Object({ lastEventId: Type.Optional(Type.String({ maxLength: 64 })) }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { replyId } = request.params;
      const from = request.headers['last-event-id'] ?? request.query.lastEventId ?? '0-0';
      if (!isStreamId(from))
        throw new HttpError(
          400,
          'invalid_last_event_id',
          'Last-Event-ID must be an event id from this stream.',
        );
      const meta = await deps.replies.find(request.userId, replyId);
      if (!meta) throw notFound('No such reply');
      const key = deps.keys.replyEvents(replyId);
      const ended = ['complete', 'cancelled', 'failed'].includes(meta.status);
      const replay =
        ended && !(await deps.exists(key))
          ? await replayFromHistory(request.userId, meta.conversationId, replyId)
          : null;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Tells nginx-style proxies not to buffer the stream.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 1000\n\n');
      if (replay) {
        for (const event of replay) if (compareIds(event.id, from) > 0) res.write(frame(event));
        res.end();
        return;
      }
      deps.metrics.open.inc();
      let firstToken = true;
      let finished = false;
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.heartbeatMs);
      const finish = () => {
        if (finished) return;
        finished = true;
        open.delete(finish);
        clearInterval(heartbeat);
        unsubscribe();
        deps.metrics.open.dec();
        res.end();
      };
      const unsubscribe = deps.hub.subscribe(key, from, (events) => {
        let out = '';
        let last = false;
        for (const event of events) {
          out += frame(event);
          if (event.type === 'token' && firstToken) {
            firstToken = false;
            deps.metrics.relay.observe(
              { hop: 'relay' },
              Math.max(0, Date.now() - Number(event.id.split('-')[0])) / 1000,
            );
          }
          if (finalEvents.has(event.type)) {
            last = true;
            break;
          }
        }
        res.write(out);
        if (last) finish();
      });
      open.add(finish);
      // Closing the connection only stops the relay; the reply goes on (cancel is explicit).
      res.on('close', finish);
    },
  );

  app.post(
    '/api/replies/:replyId/cancel',
    {
      schema: {
        tags: ['chat'],
        summary: 'Cancel a reply; the partial reply is saved as cancelled',
        params: ReplyParams,
        response: {
          202: Type.Object({
            replyId: Type.String(),
            state: Type.Union([
              Type.Literal('cancelled'),
              Type.Literal('cancelling'),
              Type.Literal('already_ended'),
            ]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const meta = await deps.replies.find(request.userId, request.params.replyId);
      if (!meta) throw notFound('No such reply');
      const state = await deps.replies.cancel(meta);
      return reply.code(202).send({ replyId: meta.replyId, state });
    },
  );
};
