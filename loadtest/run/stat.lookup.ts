import { isMetricName } from '../metrics/metric.names';
import type { Recorder } from '../metrics/metrics.recorder';
import { percentileOf, type StatLookup } from '../thresholds/thresholds';
import type { RunResults } from './results.types';

/** Answers `metric.stat` questions about a finished run, for thresholds. */
export function createStatLookup(
  results: Omit<RunResults, 'thresholds'>,
  rec: Pick<Recorder, 'quantile'>,
): StatLookup {
  const seconds = Math.max(results.elapsedMs / 1000, 1e-9);
  const it = results.iterations;
  return (metric, stat) => {
    if (metric === 'errors') return stat === 'count' ? results.errors.count : results.errors.rate;
    if (metric === 'iterations') {
      const finished = it.ok + it.failed;
      if (stat === 'count') return it.completed;
      if (stat === 'failures') return it.failed;
      if (stat === 'fail_rate') return finished === 0 ? null : it.failed / finished;
      return it.completed / seconds;
    }
    if (metric === 'late_starts') {
      if (stat === 'count') return it.late;
      return it.started === 0 ? null : it.late / it.started;
    }
    if (!isMetricName(metric)) return null;
    const m = results.metrics[metric];
    switch (stat) {
      case 'count':
        return m?.count ?? 0;
      case 'failures':
        return m?.failures ?? 0;
      case 'fail_rate':
        return m && m.count > 0 ? m.failures / m.count : null;
      case 'rate':
        return m?.rate ?? 0;
    }
    // Latency statistics need at least one successful sample.
    if (!m || m.count - m.failures === 0) return null;
    if (stat === 'min') return m.min;
    if (stat === 'mean') return m.mean;
    if (stat === 'max') return m.max;
    const p = percentileOf(stat);
    return p === undefined ? null : rec.quantile(metric, p);
  };
}
