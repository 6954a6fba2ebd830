import type { LiveView } from '../run/load.run';
import type { TimelinePoint } from '../run/results.types';
import { fmtClock, fmtMs, fmtNum } from './format';

/**
 * The one-line live view: elapsed, rate, errors, main-metric p50/p99, queue depth, workers, and
 * a `!` hint for what makes those figures misleading (the gateway's own 429s, an unread queue).
 */
export function formatProgress(point: TimelinePoint, live: LiveView): string {
  const main = point.metrics[live.mainMetric];
  const rate = live.config.scenario === 'http' ? point.ops : point.started;
  const target = point.targetRate === null ? '' : ` (target ${fmtNum(point.targetRate)})`;
  const maxRate = live.config.scenario === 'http';
  const parts = [
    `${fmtClock(point.t * 1000)}/${fmtClock(live.config.plannedMs)}`,
    `rate ${fmtNum(rate)}/s${target}`,
    maxRate ? `requests ${live.ops}` : `done ${live.totals.completed}`,
  ];
  if (!maxRate) parts.push(`inflight ${point.inflight}`);
  if (live.config.model.kind === 'open') parts.push(`late ${live.totals.late}`);
  parts.push(`err ${live.errors}${point.errors > 0 ? ` (+${point.errors})` : ''}`);
  parts.push(`${live.mainMetric} p50 ${fmtMs(main?.p50)} p99 ${fmtMs(main?.p99)}`);
  const status = point.status;
  const queues = status ? Object.entries(status.queues).map(([name, depth]) => `${name} ${depth}`) : [];
  parts.push(`queue ${queues.length > 0 ? queues.join(' ') : '-'}`);
  const fleets = status
    ? Object.entries(status.workers).map(([name, w]) => `${name} ${w.workers}/${w.desired ?? '-'}`)
    : [];
  parts.push(`workers ${fleets.length > 0 ? fleets.join(' ') : '-'}`);
  for (const warning of live.warnings) parts.push(`! ${warning.short}`);
  return parts.join(' | ');
}

export interface ProgressWriter {
  write(line: string): void;
  /** Ends an updating line so what follows starts on a fresh one. */
  end(): void;
}

/** On a TTY the line rewrites itself in place; elsewhere (CI, pipes) each second is its own line. */
export function createProgressWriter(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
): ProgressWriter {
  let open = false;
  return {
    write(line) {
      if (stream.isTTY) {
        const width = stream.columns ?? 200;
        stream.write(`\r\x1b[2K${line.length > width - 1 ? line.slice(0, width - 1) : line}`);
        open = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    end() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
