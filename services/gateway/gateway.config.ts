import { type Static, Type } from '@sinclair/typebox';
import { commonEnv } from '../../shared/config/common.config';
import { Port, parseEnv } from '../../shared/config/env';
import { MESSAGE_MAX_CHARS_DEFAULT } from './http.limits';

export const GatewayEnv = Type.Object({
  ...commonEnv,
  // HTTP listener of the gateway (API, SSE, /docs, /metrics, the web app).
  PORT: Port(3000, 'gateway HTTP port'),
  // Interface to listen on: loopback on a laptop; the image and the ECS task set 0.0.0.0, since the
  // load balancer (or Docker's port mapping) reaches the container from outside.
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  // Proxies in front of the gateway that append to X-Forwarded-For (CloudFront and the load
  // balancer in AWS: 2). The client's address is the one that many hops back, so rate limits key on
  // it; 0 trusts no header and uses the connection's own address.
  TRUST_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
  // Operator token for /api/ops/* and /admin/queues; unset disables them.
  OPS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'at least 16 characters' })),
  // The local autoscaler's status page, shown in /api/ops/status when it answers.
  AUTOSCALER_URL: Type.String({ default: 'http://127.0.0.1:3100/status', pattern: '^https?://' }),
  // Session lifetime in seconds (sliding).
  SESSION_TTL_S: Type.Integer({ minimum: 60, default: 30 * 86_400 }),
  // Longest chat message accepted, in characters.
  MESSAGE_MAX_CHARS: Type.Integer({ minimum: 1, maximum: 8000, default: MESSAGE_MAX_CHARS_DEFAULT }),
  // Largest request body accepted, in bytes.
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 }),
  // SSE comment heartbeat interval.
  SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  // Recent turns kept per conversation in Redis, and their TTL (same numbers as the chat worker).
  TURNS_MAX: Type.Integer({ minimum: 2, maximum: 200, default: 20 }),
  TURNS_TTL_S: Type.Integer({ minimum: 60, default: 86_400 }),
  REPLY_STREAM_TTL_S: Type.Integer({ minimum: 10, default: 3600 }),
  // Folder with the built web app; served at / when it exists.
  WEB_DIST_DIR: Type.String({ default: './web/dist' }),
  // Requests per minute per user (or address) to send chat messages, and per address to sign in
  // or start as a guest.
  RATE_LIMIT_CHAT_PER_MIN: Type.Integer({ minimum: 1, default: 60 }),
  RATE_LIMIT_AUTH_PER_MIN: Type.Integer({ minimum: 1, default: 120 }),
  // Comma-separated origins allowed by CORS; empty means same-origin only.
  CORS_ORIGINS: Type.String({ default: '' }),
  // Set the session cookie's Secure flag (on behind HTTPS: the ECS task sets it).
  COOKIE_SECURE: Type.Boolean({ default: false }),
});

export type GatewayConfig = Static<typeof GatewayEnv>;

export const loadGatewayConfig = (env = process.env) => parseEnv(GatewayEnv, env);
