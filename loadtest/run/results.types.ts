import type { CounterName, MetricName } from '../metrics/metric.names';
import type { ErrorSummary, IntervalStats, MetricSummary } from '../metrics/metrics.recorder';
import type { OpsSnapshot } from '../ops/ops.sampler';
import type { ThresholdResult } from '../thresholds/thresholds';

/** One second of the run. */
export interface TimelinePoint {
  /** Seconds since the start, at the end of this interval. */
  readonly t: number;
  /** What the open model's profile asked for at this moment (iterations/s). */
  readonly targetRate: number | null;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly late: number;
  readonly inflight: number;
  /** Operations finished (requests, streams, flood batches) and how many of them failed. */
  readonly ops: number;
  readonly errors: number;
  readonly metrics: Partial<Record<MetricName, IntervalStats>>;
  /** Gateway ops status sampled at the end of the interval; null when not available. */
  readonly status: OpsSnapshot | null;
}

export interface IterationTotals {
  readonly scheduled: number;
  readonly started: number;
  readonly completed: number;
  readonly ok: number;
  readonly failed: number;
  /** Ended by the run stopping (grace period spent, hard timeout, Ctrl-C), not counted as failed. */
  readonly aborted: number;
  readonly late: number;
  /** Arrivals that waited for a free slot under --max-inflight; late starts beyond these mean the
   * tool itself fell behind. */
  readonly queued: number;
  /** Scheduled but never started. */
  readonly skipped: number;
}

/** The JSON results file: everything the HTML report and the thresholds are made from. */
export interface RunResults {
  readonly tool: 'aira-loadtest';
  readonly version: 1;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly elapsedMs: number;
  readonly target: string;
  readonly scenario: string;
  readonly mainMetric: MetricName;
  readonly model: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  /** How the run ended. */
  readonly end: 'completed' | 'grace_expired' | 'hard_timeout' | 'interrupted';
  readonly iterations: IterationTotals;
  readonly metrics: Partial<Record<MetricName, MetricSummary>>;
  readonly errors: ErrorSummary;
  /** What makes the figures mean less than they seem, and what to change: 429s from the gateway's
   * own limits, a flooded queue no worker read. */
  readonly warnings: readonly string[];
  readonly counters: Record<CounterName, number>;
  readonly timeline: readonly TimelinePoint[];
  readonly thresholds: readonly ThresholdResult[];
}
