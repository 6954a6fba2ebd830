import { isMetricName } from '../metrics/metric.names';

export type Comparison = '<' | '<=' | '>' | '>=';

/** `ttft.p99<800`: the run passes only while `metric.stat comparison value` holds. */
export interface Threshold {
  readonly expr: string;
  readonly metric: string;
  readonly stat: string;
  readonly comparison: Comparison;
  /** In the metric's unit (ms for latencies, a fraction for rates of errors). */
  readonly value: number;
}

export interface ThresholdResult {
  readonly threshold: Threshold;
  /** null when the run produced no data for the metric: that counts as a breach. */
  readonly actual: number | null;
  readonly pass: boolean;
}

/** Answers `metric.stat` for a finished run; null when there is no data. */
export type StatLookup = (metric: string, stat: string) => number | null;

const SPECIAL_STATS: Record<string, readonly string[]> = {
  errors: ['count', 'rate'],
  iterations: ['count', 'failures', 'fail_rate', 'rate'],
  late_starts: ['count', 'rate'],
};
const METRIC_STATS = ['count', 'failures', 'fail_rate', 'rate', 'min', 'mean', 'max'];
const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?|100)$/;

export function isKnownStat(metric: string, stat: string): boolean {
  const special = SPECIAL_STATS[metric];
  if (special) return special.includes(stat);
  return isMetricName(metric) && (METRIC_STATS.includes(stat) || PERCENTILE.test(stat));
}

/** The percentile a `p99.9`-style stat names, or undefined for other stats. */
export function percentileOf(stat: string): number | undefined {
  const m = PERCENTILE.exec(stat);
  return m ? Number(m[1]) : undefined;
}

const THRESHOLD = /^([a-z][a-z0-9_]*)\.([a-z0-9_.]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|%)?$/;

export function parseThreshold(text: string): Threshold {
  const expr = text.trim();
  const m = THRESHOLD.exec(expr);
  if (!m) {
    throw new Error(
      `--threshold "${text}": expected <metric>.<stat><op><value>, e.g. ttft.p99<800 or errors.rate<0.01`,
    );
  }
  const [, metric, stat, comparison, raw, unit] = m as unknown as [
    string,
    string,
    string,
    Comparison,
    string,
    string?,
  ];
  if (!isKnownStat(metric, stat)) {
    throw new Error(
      `--threshold "${text}": unknown metric or stat "${metric}.${stat}" (see loadtest/README.md)`,
    );
  }
  const scale = unit === 's' ? 1000 : unit === '%' ? 0.01 : 1;
  return { expr, metric, stat, comparison, value: Number(raw) * scale };
}

function holds(actual: number, comparison: Comparison, value: number): boolean {
  switch (comparison) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
  }
}

export function evaluateThresholds(thresholds: readonly Threshold[], lookup: StatLookup): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = lookup(threshold.metric, threshold.stat);
    return {
      threshold,
      actual,
      pass: actual !== null && holds(actual, threshold.comparison, threshold.value),
    };
  });
}
