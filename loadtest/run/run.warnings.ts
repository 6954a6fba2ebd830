import { GatewayEnv } from '../../services/gateway/gateway.config';
import type { MetricName } from '../metrics/metric.names';

/** Something about the run that makes its figures mean less than they seem, and what to do about it. */
export interface RunWarning {
  /** A few words for the progress line. */
  readonly short: string;
  /** What happened and what to change, for the summary and the report. */
  readonly message: string;
}

type LimitVariable = 'RATE_LIMIT_AUTH_PER_MIN' | 'RATE_LIMIT_CHAT_PER_MIN';

/**
 * The gateway's own rate limits, by the operation they refuse. A load test runs from one
 * machine, so every guest sign-in shares one address and its per-address limit.
 */
const GATEWAY_LIMITS: Partial<Record<MetricName, { variable: LimitVariable; what: string }>> = {
  http_guest: { variable: 'RATE_LIMIT_AUTH_PER_MIN', what: 'guest sign-ins a minute per client address' },
  http_send_message: { variable: 'RATE_LIMIT_CHAT_PER_MIN', what: 'messages a minute per user' },
};

/** A hint for each gateway limit that answered 429, naming the variable that sets it. */
export function rateLimitWarnings(
  byMetric: Readonly<Record<string, Readonly<Record<string, number>>>>,
): RunWarning[] {
  return (
    Object.entries(GATEWAY_LIMITS) as [MetricName, { variable: LimitVariable; what: string }][]
  ).flatMap(([metric, limit]) => {
    const refused = byMetric[metric]?.http_429 ?? 0;
    if (refused === 0) return [];
    const byDefault = GatewayEnv.properties[limit.variable].default;
    return [
      {
        short: `429s are the gateway's ${limit.variable}`,
        message: `${refused} × http_429 on ${metric}: the gateway's own limit of ${limit.what} (${limit.variable}, default ${byDefault}) refused them. Raise it on the stack under test, e.g. ${limit.variable}=1000000 npm start.`,
      },
    ];
  });
}

/** The flooded queue had no worker at some checks: its messages wait, and the run's 0 errors mean little. */
export function noConsumerWarning(queue: string, idleChecks: number, checks: number): RunWarning {
  return {
    short: `no worker reads ${queue}`,
    message: `No worker consumed ${queue} at ${idleChecks} of ${checks} checks (BullMQ's worker list): flooded jobs wait there unread. Is the stack running, and is --bullmq-prefix its AIRA_PREFIX?`,
  };
}
