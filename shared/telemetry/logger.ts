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
  return pino(options, destination ?? stdout());
}

/**
 * Standard output, written line by line as it is logged. Nothing is left in a buffer when the
 * process exits, and once the reader is gone (EPIPE: whoever started the process died) lines are
 * dropped: pino's buffered default flushes at exit and retries a broken pipe there forever, which
 * left such a process unable to exit, even on SIGTERM. No hot path logs per request or token.
 */
function stdout(): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true });
  destination.on('error', () => {
    destination.write = () => true;
  });
  return destination;
}
