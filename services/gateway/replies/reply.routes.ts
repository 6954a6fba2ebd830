import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gauge, Histogram } from 'prom-client';
import {
  finalEventOf,
  finalEvents,
  isStreamId,
  type StoredEvent,
} from '../../../shared/replies/reply.events';
import { activeTraceIds, observeInTrace } from '../../../shared/telemetry/trace.context';
import { errorResponses, ReplyParams } from '../http.schemas';
import { HttpError, notFound } from '../plugins/errors';
import type { ReplyMeta, ReplyService } from './reply.service';
import { compareIds, type StreamHub } from './stream.hub';

export interface ReplyRouteDeps {
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  replies: ReplyService;
  hub: StreamHub;
  heartbeatMs: number;
  metrics: { open: Gauge; relay: Histogram<'hop'>; sseRelay: Histogram };
}

const endedStatuses: ReadonlySet<string> = new Set(['complete', 'cancelled', 'failed']);

const frame = (e: StoredEvent) => `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;

export const replyRoutes: FastifyPluginAsyncTypebox<ReplyRouteDeps> = async (app, deps) => {
  app.addHook('preHandler', deps.requireUser);
  // Open streams end when the gateway stops; their clients resume elsewhere with Last-Event-ID.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of open) finish();
  });

  /**
   * A finished reply whose stream is gone (removed once the reply was stored, or expired), replayed
   * from its turn: the whole text as one token and the final event the worker had appended. A
   * client that already holds part of it (it resumes with a Last-Event-ID) is first told to discard
   * that part (`reset`); one that had the final event gets nothing. The events carry the id the
   * final event had in the stream.
   */
  const replayEnded = async (meta: ReplyMeta, from: string): Promise<StoredEvent[]> => {
    const end = await deps.replies.endOf(meta);
    if (!end) return [];
    const id = meta.finalId ?? `${end.at}-0`;
    if (from !== '0-0' && compareIds(from, id) >= 0) return [];
    const final = finalEventOf(end);
    const reset: StoredEvent[] =
      from === '0-0' ? [] : [{ id, type: 'reset', data: JSON.stringify({ attempt: 0 }) }];
    return [
      ...reset,
      { id, type: 'token', data: JSON.stringify({ text: end.content }) },
      { id, type: final.type, data: JSON.stringify(final.data) },
    ];
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
      deps.metrics.open.inc();
      // Tokens arrive on the stream hub's Redis callbacks, outside this request's context.
      const traceIds = activeTraceIds();
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
      const relay = (events: StoredEvent[], live: boolean) => {
        if (finished) return;
        let out = '';
        let last = false;
        const now = Date.now();
        for (const event of events) {
          out += frame(event);
          if (event.type === 'token' && live) {
            // The entry id's first part is when Redis appended the token.
            const hop = Math.max(0, now - Number(event.id.split('-')[0])) / 1000;
            observeInTrace(deps.metrics.sseRelay, hop, traceIds);
            if (firstToken) deps.metrics.relay.observe({ hop: 'relay' }, hop);
          }
          if (event.type === 'token') firstToken = false;
          if (finalEvents.has(event.type)) {
            last = true;
            break;
          }
        }
        res.write(out);
        if (last) finish();
      };
      const unsubscribe = deps.hub.subscribe(replyId, from, relay, async ({ gone }) => {
        if (!gone || finished) return;
        // No stream: the reply has not started yet (its events will come live), or it has ended
        // and its stream is gone (stored, or expired): then it is replayed from the history.
        try {
          const now = await deps.replies.find(request.userId, replyId);
          if (now && endedStatuses.has(now.status)) {
            const events = await replayEnded(now, from);
            if (events.length) relay(events, false);
            else finish();
          }
        } catch (error) {
          request.log.warn({ err: error, replyId }, 'replaying a finished reply failed');
          finish();
        }
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
