import pino, { type Logger } from 'pino';
import { activeTraceIds } from './trace.context';

export type { Logger };

/** Paths whose values never reach a log line. */
const redact = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
];

/**
 * One JSON logger per process; `service` names the process in every line, and a line written
 * inside a trace carries its `trace_id` and `span_id`.
 */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: redact, censor: '[redacted]' },
    mixin: () => activeTraceIds() ?? {},
  };
  return destination ? pino(options, destination) : pino(options);
}
