import { Counter, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '../../shared/telemetry/metrics';

/** The chat worker's metrics (names in docs/METRICS.md). */
export function createChatMetrics(registry: Registry) {
  return {
    jobs: new Counter({
      name: 'aira_jobs_total',
      help: 'Jobs finished, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'aira_job_duration_seconds',
      help: 'Time a worker spent on a job',
      labelNames: ['queue', 'outcome'] as const,
      buckets: latencyBuckets,
      // Observed inside the job's span (observeTraced): a slow job leads to its trace.
      enableExemplars: true,
      registers: [registry],
    }),
    ttft: new Histogram({
      name: 'aira_reply_ttft_seconds',
      help: 'Enqueue to first token appended to the reply stream',
      buckets: latencyBuckets,
      // Observed with the reply's trace id (observeTraced), so a slow bucket leads to a trace.
      enableExemplars: true,
      registers: [registry],
    }),
    interToken: new Histogram({
      name: 'aira_reply_inter_token_seconds',
      help: 'Time between tokens from the LLM',
      buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28],
      registers: [registry],
    }),
    tokensPerSecond: new Histogram({
      name: 'aira_reply_tokens_per_second',
      help: 'Completion tokens per second of generation, per reply',
      buckets: [5, 10, 20, 30, 50, 75, 100, 150, 250, 500],
      registers: [registry],
    }),
    hop: new Histogram({
      name: 'aira_reply_hop_seconds',
      help: 'Per-hop time of a reply',
      labelNames: ['hop'] as const,
      buckets: latencyBuckets,
      enableExemplars: true,
      registers: [registry],
    }),
    llmRequests: new Counter({
      name: 'aira_llm_requests_total',
      help: 'LLM calls by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type ChatMetrics = ReturnType<typeof createChatMetrics>;
