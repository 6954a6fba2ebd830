import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Static } from '@sinclair/typebox';
import type { NewConversation } from '../../services/gateway/conversations/conversation.routes';
import type { AuthResponse } from '../../services/gateway/http.schemas';
import type { OpsStatus } from '../../services/gateway/ops/ops.schemas';
import type { MessageAccepted } from '../../services/gateway/replies/message.routes';
import type { Complete, Pending } from '../../services/gateway/survey/survey.routes';
import type { LocalizedSurvey } from '../../shared/survey/survey';

export interface FakeGatewayOptions {
  /** Delay before answering POST …/messages (simulates a slow enqueue). */
  readonly sendDelayMs?: number;
  /** Delay between opening the stream and the first token. */
  readonly firstTokenMs?: number;
  readonly tokenGapMs?: number;
  readonly tokens?: number;
  /** Delay before answering POST /api/auth/guest. */
  readonly guestDelayMs?: number;
  /** Guest sign-ins allowed before 429 `rate_limited`, like the gateway's RATE_LIMIT_AUTH_PER_MIN. */
  readonly guestLimit?: number;
  /** Every n-th reply ends with an `error` event instead of `done`. */
  readonly errorEvery?: number;
  /** Survey results stay pending for this many polls. */
  readonly pendingPolls?: number;
  readonly opsToken?: string;
}

export interface FakeGateway {
  readonly url: string;
  readonly counts: Record<string, number>;
  close(): Promise<void>;
}

const QUESTIONS: LocalizedSurvey['questions'] = Array.from({ length: 4 }, (_, i) => ({
  id: `q${i + 1}`,
  kind: 'choice',
  text: `Question ${i + 1}`,
  options: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: String(v) })),
}));

const persona = { id: 'friendly', name: 'Friendly', description: 'Warm', greeting: 'Hi!' };

/** The operator status a gateway with one chat fleet sends: 2 workers running (one retiring), 3 wanted. */
const opsStatus: OpsStatus = {
  queues: [
    {
      name: 'chat',
      transport: 'bullmq',
      waiting: 2,
      active: 3,
      delayed: 0,
      backlog: 5,
      oldestAgeSeconds: 0.1,
      states: { waiting: 2, active: 3 },
    },
    {
      name: 'aira-writes.fifo',
      transport: 'sqs',
      waiting: 1,
      active: 0,
      delayed: 0,
      backlog: 1,
      oldestAgeSeconds: null,
      states: { visible: 1 },
    },
  ],
  fleets: [
    {
      name: 'chat',
      workers: [
        { id: 'chat-1', state: 'running' },
        { id: 'chat-2', state: 'starting' },
        { id: 'chat-3', state: 'retiring' },
      ],
      desired: 3,
    },
  ],
  autoscaler: 'ok',
  dlq: { name: 'aira-writes-dlq.fifo', depth: 0 },
};

/**
 * A stand-in for the gateway's HTTP contract, with controllable delays, for engine tests. Its
 * answers are typed by the gateway's own response schemas.
 */
export async function startFakeGateway(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const counts: Record<string, number> = {};
  const polls = new Map<string, number>();
  let replies = 0;
  const bump = (k: string) => {
    counts[k] = (counts[k] ?? 0) + 1;
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text ? JSON.parse(text) : undefined;
  };

  const stream = async (res: ServerResponse, replyNo: number) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    await delay(options.firstTokenMs ?? 0);
    const tokens = options.tokens ?? 5;
    let id = 0;
    for (let i = 0; i < tokens; i++) {
      if (i > 0) await delay(options.tokenGapMs ?? 5);
      res.write(`id: ${++id}\nevent: token\ndata: ${JSON.stringify({ text: `t${i} ` })}\n\n`);
    }
    if (options.errorEvery && replyNo % options.errorEvery === 0) {
      res.end(`id: ${++id}\nevent: error\ndata: {"code":"llm_failed"}\n\n`);
      return;
    }
    const done = {
      finishReason: 'stop',
      usage: { promptTokens: 10, completionTokens: tokens },
      timings: { queueWaitMs: 3, pickupMs: 1, llmFirstTokenMs: options.firstTokenMs ?? 0, relayMs: 2 },
    };
    res.end(`id: ${++id}\nevent: done\ndata: ${JSON.stringify(done)}\n\n`);
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const route = `${req.method} ${url.pathname.replace(/\/[0-9a-f-]{36}/g, '/:id')}`;
    bump(route);
    try {
      if (route === 'GET /healthz') return json(res, 200, { status: 'ok' });
      if (route === 'POST /api/auth/guest') {
        if (options.guestLimit !== undefined && (counts[route] ?? 0) > options.guestLimit)
          return json(res, 429, {
            error: { code: 'rate_limited', message: 'Too many requests; retry in 60 s.' },
          });
        await delay(options.guestDelayMs ?? 0);
        const guest: Static<typeof AuthResponse> = {
          token: randomUUID(),
          user: {
            id: randomUUID(),
            email: null,
            displayName: 'Guest',
            isGuest: true,
            persona: null,
            createdAt: Date.now(),
          },
        };
        return json(res, 201, guest);
      }
      if (route === 'GET /api/ops/status') {
        if (!options.opsToken || token !== options.opsToken)
          return json(res, 404, { error: { code: 'not_found' } });
        return json(res, 200, opsStatus);
      }
      if (!token) return json(res, 401, { error: { code: 'unauthorized' } });
      if (route === 'POST /api/conversations')
        return json(res, 201, {
          id: randomUUID(),
          persona: { id: persona.id, name: persona.name },
          title: null,
        } satisfies Static<typeof NewConversation>);
      if (route === 'POST /api/conversations/:id/messages') {
        const body = await readBody(req);
        if (typeof body?.content !== 'string') return json(res, 400, { error: { code: 'bad_request' } });
        await delay(options.sendDelayMs ?? 0);
        const replyId = randomUUID();
        return json(res, 202, {
          userMessageId: randomUUID(),
          replyId,
          streamUrl: `/api/replies/${replyId}/stream`,
        } satisfies Static<typeof MessageAccepted>);
      }
      if (route === 'GET /api/replies/:id/stream') return await stream(res, ++replies);
      if (route === 'GET /api/survey')
        return json(res, 200, { version: 1, questions: QUESTIONS } satisfies LocalizedSurvey);
      if (route === 'PUT /api/survey/answers') {
        const body = await readBody(req);
        if (body?.answers?.length !== QUESTIONS.length)
          return json(res, 400, { error: { code: 'bad_request' } });
        return json(res, 202, { accepted: body.answers.length });
      }
      if (route === 'GET /api/survey/result') {
        const n = (polls.get(token) ?? 0) + 1;
        polls.set(token, n);
        if (n <= (options.pendingPolls ?? 0))
          return json(res, 202, { status: 'pending', persisted: 0, total: 4 } satisfies Static<
            typeof Pending
          >);
        const complete: Static<typeof Complete> = {
          status: 'complete',
          persona,
          scores: {},
          axes: [],
          explanation: [],
        };
        return json(res, 200, complete);
      }
      return json(res, 404, { error: { code: 'not_found' } });
    } catch {
      if (!res.headersSent) json(res, 500, { error: { code: 'internal' } });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
