import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Usage } from '../../shared/replies/turn';

export type LlmOutcome = 'ok' | 'error' | 'cancelled';

/**
 * The `llm.chat` span of one streamed completion: from the request to the last token, with the
 * model, token counts and time to first token (GenAI semantic convention names where they exist).
 * The HTTP call the OpenAI client makes through fetch is its child. Costs nothing with tracing off.
 */
export function startLlmSpan(model: string) {
  const span = trace.getTracer('aira').startSpan('llm.chat', {
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': model,
    },
  });
  const active = trace.setSpan(context.active(), span);
  let ended = false;
  return {
    /** Runs `fn` with the span active, so the client's request is traced under it. */
    run: <T>(fn: () => T): T => context.with(active, fn),
    /** The call waited this long for the fleet's shared provider budget (and out `refusals` 429s). */
    waitedForBudget(waitedMs: number, refusals: number) {
      span.setAttribute('llm.provider_wait_ms', waitedMs);
      if (refusals > 0) span.setAttribute('llm.rate_limited', refusals);
      span.addEvent('provider_budget_granted');
    },
    firstToken(ttftMs: number) {
      span.setAttribute('llm.ttft_ms', ttftMs);
      span.addEvent('first_token');
    },
    end(
      outcome: LlmOutcome,
      details: { usage?: Usage | null; finishReason?: string | null; error?: unknown },
    ) {
      if (ended) return;
      ended = true;
      span.setAttribute('llm.outcome', outcome);
      if (details.usage) {
        span.setAttribute('gen_ai.usage.input_tokens', details.usage.promptTokens);
        span.setAttribute('gen_ai.usage.output_tokens', details.usage.completionTokens);
      }
      if (details.finishReason) span.setAttribute('gen_ai.response.finish_reasons', [details.finishReason]);
      if (outcome === 'error') {
        if (details.error instanceof Error) span.recordException(details.error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (details.error as Error)?.message });
      }
      span.end();
    },
  };
}

export type LlmSpan = ReturnType<typeof startLlmSpan>;
