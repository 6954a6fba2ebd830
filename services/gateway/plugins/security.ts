import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { HttpError } from './errors';

export interface SecurityOptions {
  redis: Redis;
  prefix: string;
  /** Origins allowed to call the API from a browser; empty means same-origin only. */
  corsOrigins: string[];
}

/**
 * Security headers, a strict CORS policy and the rate-limit store. The web app's own
 * Content-Security-Policy is set where the app is served (the API docs page needs a different one).
 */
export async function registerSecurity(app: FastifyInstance, opts: SecurityOptions) {
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  await app.register(fastifyCors, {
    origin: opts.corsOrigins.length ? opts.corsOrigins : false,
    credentials: true,
    methods: ['GET', 'POST', 'PUT'],
  });
  // Limits are declared per route (chat and auth); the counters live in Redis so every gateway
  // instance shares them.
  await app.register(fastifyRateLimit, {
    global: false,
    redis: opts.redis,
    nameSpace: `${opts.prefix}:ratelimit:`,
    skipOnError: true,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: {
        code: 'rate_limited',
        message: `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`,
      },
    }),
  });
}

const tooMany = (_request: unknown, context: { ttl: number }) =>
  new HttpError(429, 'rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`, {
    'retry-after': String(Math.ceil(context.ttl / 1000)),
  });

/** Per-route limit: per signed-in user when there is one, else per address. */
export const rateLimit = (max: number, timeWindow = '1 minute') => ({
  rateLimit: {
    max,
    timeWindow,
    hook: 'preHandler' as const,
    // Route settings replace the plugin's, so the JSON error shape is repeated here.
    errorResponseBuilder: tooMany,
    keyGenerator: (request: { userId?: string; ip: string }) =>
      request.userId ? `user:${request.userId}` : `ip:${request.ip}`,
  },
});
