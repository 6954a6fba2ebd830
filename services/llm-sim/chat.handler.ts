import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { jittered, planRequest, type RequestPlan } from './chat.overrides';
import { type ChatRequest, checkChatRequest } from './chat.request';
import type { GenerationSlots, SlotTicket } from './generation.slots';
import type { SimSettings } from './llm-sim.config';
import type { Random } from './llm-sim.random';
import type { RateLimiter } from './rate.limits';
import { estimatePromptTokens, generateReply } from './reply.generator';
import { BodyError, invalidRequest, readJsonBody, sendError, sendJson } from './sim.http';
import type { SimMetrics } from './sim.metrics';

/** Counters the chat handler keeps; `GET /sim/stats` reports them. */
export interface ChatCounters {
  requests: number;
  completed: number;
  aborted: number;
  badRequests: number;
  queueFull: number;
  /** Requests refused because the requests or tokens per minute budget was spent. */
  rateLimited: number;
  faults: { http429: number; http500: number; cut: number };
  promptTokens: number;
  completionTokens: number;
}

export interface ChatHandlerDeps {
  settings: () => SimSettings;
  slots: GenerationSlots;
  counters: ChatCounters;
  /** Decides faults; seeded, so a run of requests sees the same faults every time. */
  faultRandom: () => Random;
  /** Draws timing jitter; kept apart from faults so timing never shifts the fault sequence. */
  jitterRandom: () => Random;
  rememberModel: (model: string) => void;
  /** The requests and tokens per minute budgets. */
  limiter: RateLimiter;
  metrics: SimMetrics;
}

interface Generation {
  request: ChatRequest;
  plan: RequestPlan;
  /** performance.now() when the request arrived: time to first token counts from here. */
  arrivedAt: number;
  /** The budgets' headers, sent with the answer. */
  rateHeaders: OutgoingHttpHeaders;
  tokens: string[];
  finishReason: 'stop' | 'length';
  promptTokens: number;
}

const fingerprint = 'fp_aira_sim';
const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

export function createChatHandler(deps: ChatHandlerDeps) {
  const { counters, slots, limiter, metrics } = deps;

  function reject(res: ServerResponse, { message, param }: { message: string; param: string | null }): void {
    counters.badRequests++;
    sendError(res, 400, invalidRequest(message, param), limiter.headers(Date.now()));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++;
    const arrivedAt = performance.now();
    // Every answer is counted by its status once its head is out (a client gone before that is not).
    res.once('close', () => {
      if (res.headersSent) metrics.responses.inc({ status: res.statusCode });
    });
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      counters.badRequests++;
      return sendError(res, error.status, error.error, limiter.headers(Date.now()));
    }
    const checked = checkChatRequest(body);
    const settings = deps.settings();
    const planned = planRequest(req.headers, settings, deps.faultRandom());
    if (!checked.ok) return reject(res, checked);
    if (!planned.ok) return reject(res, planned);
    const { request } = checked;
    const { plan } = planned;

    if (plan.fault === '429') {
      counters.faults.http429++;
      return sendError(
        res,
        429,
        {
          message: 'Rate limit reached for requests (simulated).',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
        { 'retry-after': '1', ...limiter.headers(Date.now()) },
      );
    }

    const cap = request.max_completion_tokens ?? request.max_tokens ?? Number.POSITIVE_INFINITY;
    const promptTokens = estimatePromptTokens(request.messages);
    // As OpenAI counts a request against the tokens budget: its prompt and the most it may write.
    const budget = limiter.take(promptTokens + Math.min(cap, settings.maxTokens), Date.now());
    if (!budget.ok) {
      counters.rateLimited++;
      return sendError(
        res,
        429,
        {
          message: `Rate limit reached for ${budget.limit} per minute (simulated). Please try again in ${budget.retryAfterSeconds}s.`,
          type: budget.limit,
          code: 'rate_limit_exceeded',
        },
        { 'retry-after': String(budget.retryAfterSeconds), ...budget.headers },
      );
    }
    if (plan.fault === '500') {
      counters.faults.http500++;
      return sendError(
        res,
        500,
        {
          message: 'The server had an error while processing your request (simulated).',
          type: 'server_error',
        },
        budget.headers,
      );
    }

    deps.rememberModel(request.model);
    const natural = generateReply(request.messages, request.seed ?? settings.seed, settings.maxTokens).tokens;
    const generation: Generation = {
      request,
      plan,
      arrivedAt,
      rateHeaders: budget.headers,
      tokens: natural.length > cap ? natural.slice(0, cap) : natural,
      finishReason: natural.length > cap ? 'length' : 'stop',
      promptTokens,
    };
    run(res, generation, settings);
  }

  function run(res: ServerResponse, generation: Generation, settings: SimSettings): void {
    // The client may have gone while the body was read; its 'close' has then already fired.
    if (res.destroyed || res.socket?.destroyed !== false) {
      counters.aborted++;
      return;
    }
    let ticket: SlotTicket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    let settled = false;
    const stop = () => {
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      timer = immediate = undefined;
    };
    // Ends the generation once, whatever ends it: done, cut, or the client going away.
    const settle = (outcome: 'completed' | 'cut' | 'aborted', emitted: number) => {
      if (settled) return;
      settled = true;
      stop();
      ticket?.release();
      if (outcome === 'completed') counters.completed++;
      else if (outcome === 'cut') counters.faults.cut++;
      else counters.aborted++;
      counters.promptTokens += generation.promptTokens;
      counters.completionTokens += emitted;
      metrics.promptTokens.inc(generation.promptTokens);
      metrics.generationTokens.inc(emitted);
    };
    const at = (due: number, fn: () => void) => {
      const delay = due - performance.now();
      // setTimeout rounds to whole milliseconds and never fires early; below 1 ms, yield only.
      if (delay >= 1) timer = setTimeout(fn, delay);
      else immediate = setImmediate(fn);
    };
    let emitted = 0;
    res.on('close', () => {
      if (!res.writableFinished) settle('aborted', emitted);
    });

    ticket = slots.acquire(() => {
      const jitter = deps.jitterRandom();
      const start = performance.now();
      const ttft = jittered(generation.plan.ttftMs, settings.jitter, jitter);
      const itl = () => jittered(generation.plan.itlMs, settings.jitter, jitter);
      const cutAfter = generation.plan.fault === 'cut' ? Math.ceil(generation.tokens.length / 2) : Infinity;
      const cut = () => {
        if (settled) return;
        settle('cut', emitted);
        // Destroying the socket mid-body is what a dropped upstream looks like: no [DONE], no end.
        res.destroy();
      };

      if (generation.request.stream !== true) {
        let total = ttft;
        for (let i = 1; i < generation.tokens.length; i++) total += itl();
        if (cutAfter !== Infinity) return at(start + total / 2, cut);
        return at(start + total, () => {
          emitted = generation.tokens.length;
          settle('completed', emitted);
          sendJson(res, 200, completionBody(generation), generation.rateHeaders);
        });
      }

      const sse = sseWriter(generation);
      let due = start + ttft;
      let lastAt = 0;
      const tick = () => {
        timer = immediate = undefined;
        let out = emitted === 0 ? sse.role : '';
        out += sse.token(generation.tokens[emitted]!);
        emitted++;
        const now = performance.now();
        if (emitted === 1) {
          res.writeHead(200, { ...sseHeaders, ...generation.rateHeaders });
          metrics.ttft.observe((now - generation.arrivedAt) / 1000);
        } else {
          metrics.interToken.observe((now - lastAt) / 1000);
        }
        lastAt = now;
        if (emitted >= cutAfter) {
          // Cut once these tokens are flushed, so the client sees exactly `cutAfter` of them.
          res.write(out, cut);
          return;
        }
        if (emitted === generation.tokens.length) {
          settle('completed', emitted);
          return void res.end(out + sse.finish(emitted));
        }
        res.write(out);
        due += itl();
        at(due, tick);
      };
      at(due, tick);
    });

    if (!ticket) {
      settled = true;
      counters.queueFull++;
      sendError(
        res,
        429,
        {
          message: `The simulator is at capacity: ${slots.active()} generations running and ${slots.queued()} waiting.`,
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
        { 'retry-after': '1', ...generation.rateHeaders },
      );
    }
  }

  return handle;
}

/** Pre-renders the fixed parts of each chunk, so a token costs one string concat and a write. */
function sseWriter({ request, finishReason, promptTokens }: Generation) {
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = request.stream_options?.include_usage === true;
  const envelope = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(request.model)},"system_fingerprint":"${fingerprint}","choices":[{"index":0,"delta":`;
  const close = (finish: string) =>
    `,"logprobs":null,"finish_reason":${finish}}]${includeUsage ? ',"usage":null' : ''}}\n\n`;
  const tail = close('null');
  return {
    role: `data: ${envelope}{"role":"assistant","content":"","refusal":null}${tail}`,
    token: (text: string) => `data: ${envelope}{"content":${JSON.stringify(text)}}${tail}`,
    finish(completionTokens: number): string {
      let out = `data: ${envelope}{}${close(`"${finishReason}"`)}`;
      if (includeUsage) {
        const usage = JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: request.model,
          system_fingerprint: fingerprint,
          choices: [],
          usage: usageOf(promptTokens, completionTokens),
        });
        out += `data: ${usage}\n\n`;
      }
      return `${out}data: [DONE]\n\n`;
    },
  };
}

function completionBody({ request, tokens, finishReason, promptTokens }: Generation) {
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    system_fingerprint: fingerprint,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: tokens.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: usageOf(promptTokens, tokens.length),
  };
}

function usageOf(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
