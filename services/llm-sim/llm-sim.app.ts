import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChatCounters, createChatHandler } from './chat.handler';
import { createGenerationSlots } from './generation.slots';
import {
  checkSettingsPatch,
  defaultSimSettings,
  type SimSettings,
  type SimSettingsPatch,
} from './llm-sim.config';
import { createRandom, type Random } from './llm-sim.random';
import { createRateLimiter } from './rate.limits';
import { BodyError, invalidRequest, readJsonBody, sendError, sendJson } from './sim.http';
import { createSimMetrics } from './sim.metrics';

export interface LlmSimOptions {
  /** Overrides of the defaults (150 ms TTFT, 20 ms ITL, ...); checked like `POST /sim/config`. */
  settings?: SimSettingsPatch;
  /** When set, every request must carry `Authorization: Bearer <apiKey>`, or it gets 401. */
  apiKey?: string;
  /** The model `GET /v1/models` lists first; any requested model name is served too. */
  model?: string;
  /** How long `close()` lets running generations finish before cutting them. Default 5 s. */
  closeGraceMs?: number;
}

export interface LlmSimStats extends ChatCounters {
  active: number;
  queued: number;
}

export interface LlmSim {
  /** `url` is the server root; `baseURL` (with `/v1`) is what an OpenAI client wants. */
  listen(port: number, host?: string): Promise<{ port: number; url: string; baseURL: string }>;
  /** Stops accepting, lets running generations finish (up to the grace), then closes. Idempotent. */
  close(): Promise<void>;
  /** Applies a partial config at runtime and restarts the seeded fault sequence; throws if invalid. */
  setConfig(patch: SimSettingsPatch): SimSettings;
  config(): SimSettings;
  stats(): LlmSimStats;
}

const maxRememberedModels = 64;

/** An OpenAI-compatible chat completions server with scripted timing and injected faults. */
export function createLlmSim(options: LlmSimOptions = {}): LlmSim {
  let settings = applyPatch(defaultSimSettings, options.settings ?? {});
  let faultRandom: Random;
  let jitterRandom: Random;
  const reseed = () => {
    faultRandom = createRandom(settings.seed);
    jitterRandom = createRandom(settings.seed ^ 0x5bd1e995);
  };
  reseed();

  const model = options.model ?? 'aira-sim';
  const models = new Set([model]);
  const counters: ChatCounters = {
    requests: 0,
    completed: 0,
    aborted: 0,
    badRequests: 0,
    queueFull: 0,
    rateLimited: 0,
    faults: { http429: 0, http500: 0, cut: 0 },
    promptTokens: 0,
    completionTokens: 0,
  };
  const slots = createGenerationSlots(() => settings);
  const metrics = createSimMetrics({ running: slots.active, waiting: slots.queued });
  const chat = createChatHandler({
    settings: () => settings,
    slots,
    counters,
    faultRandom: () => faultRandom,
    jitterRandom: () => jitterRandom,
    rememberModel: (name) => {
      if (models.size < maxRememberedModels) models.add(name);
    },
    limiter: createRateLimiter(() => settings),
    metrics,
  });
  const expectedAuth = options.apiKey ? `Bearer ${options.apiKey}` : undefined;

  const setConfig = (patch: SimSettingsPatch): SimSettings => {
    settings = applyPatch(settings, patch);
    reseed();
    slots.refill();
    return settings;
  };
  const stats = (): LlmSimStats => ({
    ...counters,
    faults: { ...counters.faults },
    active: slots.active(),
    queued: slots.queued(),
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const key = `${req.method} ${path}`;
    if (key === 'GET /healthz') return sendJson(res, 200, { status: 'ok' });
    if (key === 'GET /metrics') {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
      return;
    }
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      return sendError(res, 401, invalidRequest('Incorrect API key provided.', null, 'invalid_api_key'));
    }
    switch (key) {
      case 'POST /v1/chat/completions':
        return chat(req, res);
      case 'GET /v1/models':
        return sendJson(res, 200, { object: 'list', data: [...models].map(modelObject) });
      case 'GET /sim/stats':
        return sendJson(res, 200, stats());
      case 'GET /sim/config':
        return sendJson(res, 200, settings);
      case 'POST /sim/config':
        return postConfig(req, res);
    }
    if (req.method === 'GET' && path.startsWith('/v1/models/')) {
      return sendJson(res, 200, modelObject(decodeURIComponent(path.slice('/v1/models/'.length))));
    }
    sendError(res, 404, invalidRequest(`Unknown request URL: ${req.method} ${path}.`, null, 'unknown_url'));
  }

  async function postConfig(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const patch = await readJsonBody(req);
      const problems = checkSettingsPatch(patch);
      if (problems.length > 0)
        return sendError(res, 400, invalidRequest(`Invalid config: ${problems.join('; ')}`));
      sendJson(res, 200, setConfig(patch as SimSettingsPatch));
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      sendError(res, error.status, error.error);
    }
  }

  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      // Only a client that vanished mid-body lands here in practice; answer if anyone is listening.
      if (res.headersSent || res.destroyed) return void res.destroy();
      sendError(res, 500, { message: `Simulator error: ${String(error)}`, type: 'server_error' });
    });
  });

  let closing: Promise<void> | undefined;
  return {
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const actual = (server.address() as AddressInfo).port;
          const shown =
            host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
          const url = `http://${shown}:${actual}`;
          resolve({ port: actual, url, baseURL: `${url}/v1` });
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const force = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 5_000);
        // Keep-alive sockets outlive their last response; sweep them as generations finish.
        const sweep = setInterval(() => server.closeIdleConnections(), 10);
        server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
      });
      return closing;
    },
    setConfig,
    config: () => settings,
    stats,
  };
}

function applyPatch(base: SimSettings, patch: SimSettingsPatch): SimSettings {
  const problems = checkSettingsPatch(patch);
  if (problems.length > 0) throw new Error(`Invalid llm-sim config: ${problems.join('; ')}`);
  return Object.freeze({ ...base, ...patch });
}

function modelObject(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'aira' };
}
