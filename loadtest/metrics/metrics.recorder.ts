import type { Histogram } from 'hdr-histogram-js';
import { createHistogram, type Percentiles, percentile, percentiles, record } from './histogram';
import { COUNTERS, type CounterName, METRICS, type MetricName } from './metric.names';

interface MetricState {
  readonly total: Histogram;
  // Samples of the current second; merged into `total` at each tick so the hot path records once.
  readonly interval: Histogram;
  count: number;
  failures: number;
  intervalCount: number;
  intervalFailures: number;
}

export interface IntervalStats {
  readonly count: number;
  readonly failures: number;
  readonly p50: number;
  readonly p99: number;
}

export interface Interval {
  readonly metrics: Partial<Record<MetricName, IntervalStats>>;
  /** Operations finished this second (successes and failures of `op` metrics). */
  readonly ops: number;
  readonly errors: number;
}

export interface MetricSummary extends Percentiles {
  readonly unit: string;
  readonly count: number;
  readonly failures: number;
  /** Count per second of run time. */
  readonly rate: number;
}

export interface ErrorSummary {
  readonly count: number;
  /** Failed operations / all operations. */
  readonly rate: number;
  readonly byKind: Record<string, number>;
  readonly byMetric: Record<string, Record<string, number>>;
}

/** One metric bound once, for hot paths that record many thousands of times a second. */
export interface MetricHandle {
  ok(value: number): void;
  fail(kind: string): void;
}

export interface Recorder {
  /** A successful operation (or measurement) of `value` ms. */
  ok(metric: MetricName, value: number): void;
  /** A failed operation; `kind` is e.g. `http_503`, `network`, `timeout`, `sse_error`. Failures of
   * `value` metrics (a failed iteration) are counted on the metric but not again as errors. */
  fail(metric: MetricName, kind: string): void;
  count(counter: CounterName, n?: number): void;
  /** Failed operations so far by metric and kind (the live view's hints read it every second). */
  errorsByMetric(): Readonly<Record<string, Readonly<Record<string, number>>>>;
  handle(metric: MetricName): MetricHandle;
  /** Closes the current second: returns its stats and folds it into the totals. */
  tick(): Interval;
  /** Live view of the current second, for the progress line. */
  peek(metric: MetricName, p: number): number | undefined;
  /** The `p`-th percentile over the whole run so far; null when nothing was recorded. */
  quantile(metric: MetricName, p: number): number | null;
  summary(elapsedMs: number): { metrics: Partial<Record<MetricName, MetricSummary>>; errors: ErrorSummary };
  counters(): Record<CounterName, number>;
}

export function createRecorder(): Recorder {
  const states = new Map<MetricName, MetricState>();
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<CounterName, number>;
  const byKind: Record<string, number> = {};
  const byMetric: Record<string, Record<string, number>> = {};
  let intervalOps = 0;
  let intervalErrors = 0;

  const state = (metric: MetricName): MetricState => {
    let s = states.get(metric);
    if (!s) {
      s = {
        total: createHistogram(),
        interval: createHistogram(),
        count: 0,
        failures: 0,
        intervalCount: 0,
        intervalFailures: 0,
      };
      states.set(metric, s);
    }
    return s;
  };

  const isOp = (metric: MetricName) => METRICS[metric].kind === 'op';

  const ok = (metric: MetricName, value: number) => {
    const s = state(metric);
    record(s.interval, value);
    s.intervalCount++;
    if (isOp(metric)) intervalOps++;
  };

  const fail = (metric: MetricName, kind: string) => {
    const s = state(metric);
    s.intervalCount++;
    s.intervalFailures++;
    // A failed iteration already shows as the failed operation inside it: count errors once.
    if (!isOp(metric)) return;
    intervalOps++;
    intervalErrors++;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const perMetric = byMetric[metric] ?? {};
    perMetric[kind] = (perMetric[kind] ?? 0) + 1;
    byMetric[metric] = perMetric;
  };

  return {
    ok,
    fail,
    handle(metric) {
      const s = state(metric);
      const op = isOp(metric);
      return {
        ok(value) {
          record(s.interval, value);
          s.intervalCount++;
          if (op) intervalOps++;
        },
        fail: (kind) => fail(metric, kind),
      };
    },
    count(counter, n = 1) {
      counters[counter] += n;
    },
    errorsByMetric: () => byMetric,
    tick() {
      const metrics: Partial<Record<MetricName, IntervalStats>> = {};
      for (const [name, s] of states) {
        if (s.intervalCount === 0) continue;
        const sampled = s.interval.totalCount > 0;
        metrics[name] = {
          count: s.intervalCount,
          failures: s.intervalFailures,
          p50: sampled ? percentile(s.interval, 50) : 0,
          p99: sampled ? percentile(s.interval, 99) : 0,
        };
        if (sampled) s.total.add(s.interval);
        s.interval.reset();
        s.count += s.intervalCount;
        s.failures += s.intervalFailures;
        s.intervalCount = 0;
        s.intervalFailures = 0;
      }
      const out = { metrics, ops: intervalOps, errors: intervalErrors };
      intervalOps = 0;
      intervalErrors = 0;
      return out;
    },
    peek(metric, p) {
      const s = states.get(metric);
      if (!s || s.interval.totalCount === 0) return undefined;
      return percentile(s.interval, p);
    },
    quantile(metric, p) {
      const s = states.get(metric);
      if (!s || s.total.totalCount + s.interval.totalCount === 0) return null;
      const merged = createHistogram();
      merged.add(s.total);
      merged.add(s.interval);
      return percentile(merged, p);
    },
    summary(elapsedMs) {
      const seconds = Math.max(elapsedMs / 1000, 1e-9);
      const metrics: Partial<Record<MetricName, MetricSummary>> = {};
      let ops = 0;
      let failedOps = 0;
      for (const [name, s] of states) {
        const count = s.count + s.intervalCount;
        const failures = s.failures + s.intervalFailures;
        const merged = createHistogram();
        merged.add(s.total);
        merged.add(s.interval);
        metrics[name] = {
          unit: METRICS[name].unit,
          count,
          failures,
          rate: count / seconds,
          ...percentiles(merged),
        };
        if (isOp(name)) {
          ops += count;
          failedOps += failures;
        }
      }
      const errors = {
        count: failedOps,
        rate: ops === 0 ? 0 : failedOps / ops,
        byKind: { ...byKind },
        byMetric: structuredClone(byMetric),
      };
      return { metrics, errors };
    },
    counters: () => ({ ...counters }),
  };
}
