/**
 * Every metric the tool records. `op` metrics are operations the user waited on: each is counted
 * once, succeeds or fails, and feeds `errors.rate`. `value` metrics are measurements derived from a
 * successful operation. Names are what thresholds and the JSON results use: keep them stable.
 */
export const METRICS = {
  iteration: { kind: 'value', unit: 'ms', what: 'one scenario iteration, from its intended start' },
  http_guest: { kind: 'op', unit: 'ms', what: 'POST /api/auth/guest' },
  http_create_conversation: { kind: 'op', unit: 'ms', what: 'POST /api/conversations' },
  http_send_message: { kind: 'op', unit: 'ms', what: 'POST /api/conversations/:id/messages' },
  reply_total: { kind: 'op', unit: 'ms', what: 'message POST sent → stream `done`' },
  ttft: { kind: 'value', unit: 'ms', what: 'message POST sent → first `token` event' },
  inter_token: { kind: 'value', unit: 'ms', what: 'gap between consecutive `token` events' },
  tokens_per_second: { kind: 'value', unit: 'tok/s', what: 'completion tokens / (done − first token)' },
  hop_queue_wait: { kind: 'value', unit: 'ms', what: 'server timing: job waiting in the queue' },
  hop_pickup: { kind: 'value', unit: 'ms', what: 'server timing: worker pickup' },
  hop_provider_wait: {
    kind: 'value',
    unit: 'ms',
    what: "server timing: the LLM call waiting for the fleet's provider budget",
  },
  hop_llm_first_token: { kind: 'value', unit: 'ms', what: 'server timing: LLM call → first token' },
  hop_relay: { kind: 'value', unit: 'ms', what: 'server timing: stream → SSE relay' },
  survey_get: { kind: 'op', unit: 'ms', what: 'GET /api/survey' },
  survey_put: { kind: 'op', unit: 'ms', what: 'PUT /api/survey/answers' },
  survey_result: { kind: 'op', unit: 'ms', what: 'GET /api/survey/result (each poll)' },
  survey_complete: { kind: 'op', unit: 'ms', what: 'answers PUT sent → result complete' },
  http_request: { kind: 'op', unit: 'ms', what: 'one request of the max-rate mode' },
  flood_send: { kind: 'op', unit: 'ms', what: 'one batch pushed into the flooded queue' },
} as const satisfies Record<string, { kind: 'op' | 'value'; unit: string; what: string }>;

export type MetricName = keyof typeof METRICS;

/** Plain counters shown in the summary. */
export const COUNTERS = [
  'stream_resets',
  'stream_reconnects',
  'survey_polls',
  'flood_messages',
  'aborted_ops',
] as const;
export type CounterName = (typeof COUNTERS)[number];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export const HOP_METRICS = {
  queueWaitMs: 'hop_queue_wait',
  pickupMs: 'hop_pickup',
  providerWaitMs: 'hop_provider_wait',
  llmFirstTokenMs: 'hop_llm_first_token',
  relayMs: 'hop_relay',
} as const satisfies Record<string, MetricName>;
