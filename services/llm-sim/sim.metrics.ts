import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createRegistry } from '../../shared/telemetry/metrics';

/**
 * The simulator's `/metrics`. Where vLLM has a metric for the same thing the name is vLLM's (as
 * llm-d's inference simulator does), so dashboards and autoscalers made for a vLLM server read the
 * simulator unchanged; answers by status code have no vLLM name.
 */
export function createSimMetrics(gauges: { running: () => number; waiting: () => number }) {
  const registry: Registry = createRegistry('llm-sim');
  return {
    registry,
    responses: new Counter({
      name: 'llm_sim_responses_total',
      help: 'Chat completion answers by HTTP status (429: a rate limit or the queue was full)',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    running: new Gauge({
      name: 'vllm:num_requests_running',
      help: 'Generations running',
      registers: [registry],
      collect() {
        this.set(gauges.running());
      },
    }),
    waiting: new Gauge({
      name: 'vllm:num_requests_waiting',
      help: 'Requests waiting for a generation slot',
      registers: [registry],
      collect() {
        this.set(gauges.waiting());
      },
    }),
    ttft: new Histogram({
      name: 'vllm:time_to_first_token_seconds',
      help: 'Request arrival to its first streamed token',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    interToken: new Histogram({
      name: 'vllm:time_per_output_token_seconds',
      help: 'Time between streamed tokens',
      buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28],
      registers: [registry],
    }),
    generationTokens: new Counter({
      name: 'vllm:generation_tokens_total',
      help: 'Completion tokens sent',
      registers: [registry],
    }),
    promptTokens: new Counter({
      name: 'vllm:prompt_tokens_total',
      help: 'Prompt tokens of the generations run',
      registers: [registry],
    }),
  };
}

export type SimMetrics = ReturnType<typeof createSimMetrics>;
