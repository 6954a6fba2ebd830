import type { Clock } from '../engine/clock';
import { errorKind, type HttpClient } from '../http/http.client';
import type { MetricName } from '../metrics/metric.names';
import type { Recorder } from '../metrics/metrics.recorder';

/** What every scenario is built from. */
export interface ScenarioDeps {
  readonly http: HttpClient;
  readonly rec: Recorder;
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
}

/**
 * Runs one operation and records it under `metric`, timed from `since` — the moment it was due,
 * which in the open model may be before it could actually start.
 */
export async function step<T>(
  deps: Pick<ScenarioDeps, 'rec' | 'clock'>,
  metric: MetricName,
  since: number,
  signal: AbortSignal,
  run: () => Promise<T>,
): Promise<T> {
  try {
    const value = await run();
    deps.rec.ok(metric, deps.clock.now() - since);
    return value;
  } catch (err) {
    recordFailure(deps.rec, metric, err, signal);
    throw err;
  }
}

export function recordFailure(rec: Recorder, metric: MetricName, err: unknown, signal: AbortSignal): void {
  const kind = errorKind(err, signal);
  if (kind === 'aborted') rec.count('aborted_ops');
  else rec.fail(metric, kind);
}

/** Waits `ms` ± `jitter` (a fraction) and returns when the next step is due. */
export function jittered(ms: number, jitter: number): number {
  if (ms <= 0) return 0;
  return Math.max(0, ms * (1 + jitter * (Math.random() * 2 - 1)));
}
