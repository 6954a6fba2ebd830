import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import type { Db } from '../../shared/db/database';
import type { ChatJob } from '../../shared/jobs/chat.job';
import type { RedisKeys } from '../../shared/redis/keys';
import type { WritesProducer } from '../../shared/sqs/writes.producer';
import type { Logger } from '../../shared/telemetry/logger';
import { createAccountService } from './auth/account.service';
import { createAuthGuard } from './auth/auth.guard';
import { authRoutes } from './auth/auth.routes';
import { createLoginThrottle } from './auth/login.throttle';
import { createSessionStore } from './auth/session.store';
import { createUserStore } from './auth/user.store';
import { conversationRoutes } from './conversations/conversation.routes';
import { createConversationStore } from './conversations/conversation.store';
import { errorCodesMarkdown } from './error.codes';
import type { GatewayConfig } from './gateway.config';
import { ErrorBody } from './http.schemas';
import type { FleetsReader } from './ops/fleets.reader';
import { healthRoutes } from './ops/health.routes';
import type { QueuesReader } from './ops/queues.reader';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './plugins/errors';
import { createGatewayMetrics, registerHttpMetrics } from './plugins/http.metrics';
import { registerSecurity } from './plugins/security';
import { registerTraceHeader } from './plugins/trace.header';
import { messageRoutes } from './replies/message.routes';
import { replyRoutes } from './replies/reply.routes';
import { createReplyService } from './replies/reply.service';
import type { StreamHub } from './replies/stream.hub';
import { createSurveyProgress } from './survey/survey.progress';
import { surveyRoutes } from './survey/survey.routes';
import '../../shared/jobs/formats';
import { CONTENT_SECURITY_POLICY } from '../../shared/web/csp';

export interface GatewayDeps {
  config: GatewayConfig;
  log: Logger;
  registry: Registry;
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  chatQueue: Queue<ChatJob>;
  writes: WritesProducer;
  hub: StreamHub;
  /** The gateway's pub/sub connection (reply streams, session revocations). */
  subscriber?: Redis;
  /** What the operator views read; the views exist only when OPS_TOKEN is set. */
  ops: { queues: QueuesReader; fleets: FleetsReader };
}

/** The gateway: authenticates, validates, enqueues and relays. It never calls the LLM. */
export async function buildGateway(deps: GatewayDeps) {
  const { config, redis, keys, db } = deps;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // request.ip is the client's address, not the nearest proxy's: security.ts keys limits on it.
    // Trust goes by hop count, since the proxies' addresses are not known in advance; that is safe
    // only where nothing but those proxies can connect (in AWS the tasks admit only the load balancer).
    trustProxy: config.TRUST_PROXY_HOPS > 0 ? (_address, hop) => hop < config.TRUST_PROXY_HOPS : false,
    logController: new LogController({ disableRequestLogging: true }),
    // No coercion: a number where a string belongs is an error, not a string.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The API speaks JSON only; other bodies get 415.
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app, deps.log);
  const metrics = createGatewayMetrics(deps.registry);
  registerHttpMetrics(app, metrics);
  registerTraceHeader(app);
  await app.register(fastifyCookie);
  await registerSecurity(app, {
    redis,
    prefix: config.AIRA_PREFIX,
    corsOrigins: config.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Aira API',
        version: '1.0.0',
        description: `Personalized AI chat: survey, persona, streamed replies.\n\nEvery error is \`{ "error": { "code", "message" } }\`; \`code\` is stable and \`message\` is English for people. A body that fails its schema answers 400 with a \`field_*\` code, the \`field\` it concerns and, for a length or range, the \`limit\`. The codes:\n\n${errorCodesMarkdown()}`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.addSchema(ErrorBody);
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const turns = { max: config.TURNS_MAX, ttlSeconds: config.TURNS_TTL_S };
  const sessions = createSessionStore({
    redis,
    keys,
    ttlSeconds: config.SESSION_TTL_S,
    subscriber: deps.subscriber,
    log: deps.log,
  });
  const users = createUserStore({ redis, keys, db, writes: deps.writes, ttlSeconds: config.SESSION_TTL_S });
  const conversations = createConversationStore({
    redis,
    keys,
    db,
    writes: deps.writes,
    ttlSeconds: config.TURNS_TTL_S,
  });
  const replies = createReplyService({
    redis,
    keys,
    db,
    queue: deps.chatQueue,
    writes: deps.writes,
    turns,
    streamTtlSeconds: config.REPLY_STREAM_TTL_S,
  });
  const requireUser = createAuthGuard(sessions);
  const accounts = createAccountService({ db, users, throttle: createLoginThrottle({ redis, keys }) });

  await app.register(healthRoutes, {
    registry: deps.registry,
    checks: { redis: () => redis.ping(), database: () => sql`select 1`.execute(db) },
  });
  await app.register(authRoutes, {
    sessions,
    users,
    accounts,
    authRateLimit: config.RATE_LIMIT_AUTH_PER_MIN,
    cookie: { secure: config.COOKIE_SECURE, maxAgeSeconds: config.SESSION_TTL_S },
  });
  await app.register(surveyRoutes, {
    requireUser,
    progress: createSurveyProgress({
      redis,
      keys,
      db,
      writes: deps.writes,
      ttlSeconds: config.SESSION_TTL_S,
    }),
  });
  await app.register(conversationRoutes, { requireUser, users, conversations });
  await app.register(messageRoutes, {
    requireUser,
    findConversation: conversations.find,
    replies,
    messageMaxChars: config.MESSAGE_MAX_CHARS,
    chatRateLimit: config.RATE_LIMIT_CHAT_PER_MIN,
  });
  await app.register(replyRoutes, {
    requireUser,
    replies,
    hub: deps.hub,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    metrics: { open: metrics.streamsOpen, relay: metrics.hop, sseRelay: metrics.sseRelay },
  });

  if (config.OPS_TOKEN) {
    // Loaded only when there is an operator: Bull Board is a tenth of a second of the start.
    const { opsRoutes } = await import('./ops/ops.routes');
    await app.register(opsRoutes, { opsToken: config.OPS_TOKEN, ...deps.ops, boardQueues: [deps.chatQueue] });
  }

  const webDir = resolve(config.WEB_DIST_DIR);
  if (existsSync(webDir)) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      setHeaders: (res, path) => {
        if (path.endsWith('.html')) {
          res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
          res.setHeader('cache-control', 'no-cache');
        } else if (/\/app-[A-Z0-9]+\.(js|css)$/i.test(path)) {
          // Names carry a content hash: a new build gets new names.
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        }
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
  }
  return app;
}
