import { METRICS, type MetricName } from '../metrics/metric.names';
import type { RunResults } from '../run/results.types';
import { fmtMs, fmtNum, fmtPct, fmtValue, textTable } from './format';

/** The end-of-run summary printed to stdout. */
export function renderSummaryText(results: RunResults): string {
  const it = results.iterations;
  const lines = [
    `${results.scenario} against ${results.target}: ${fmtMs(results.elapsedMs)}, ended ${results.end.replace('_', ' ')}`,
    `iterations ${it.completed} (ok ${it.ok}, failed ${it.failed}, aborted ${it.aborted}, skipped ${it.skipped}), late starts ${it.late} (${it.queued} waited for --max-inflight)`,
    `errors ${results.errors.count} (${fmtPct(results.errors.rate)})${Object.entries(results.errors.byKind)
      .map(([k, n]) => ` ${k}=${n}`)
      .join(',')}`,
  ];
  const counters = Object.entries(results.counters).filter(([, n]) => n > 0);
  if (counters.length > 0) lines.push(`counters ${counters.map(([k, n]) => `${k}=${n}`).join(' ')}`);
  for (const warning of results.warnings) lines.push(`warning: ${warning}`);
  if (it.aborted > 0) {
    lines.push(
      `note: ${it.aborted} iterations were still running when the run ended; raise --grace to let them finish`,
    );
  }
  lines.push('');
  const rows = (Object.keys(METRICS) as MetricName[])
    .filter((m) => results.metrics[m])
    .map((m) => {
      const s = results.metrics[m]!;
      const v = (x: number) => (s.count - s.failures > 0 ? fmtValue(x, s.unit) : '-');
      return [
        m,
        String(s.count),
        String(s.failures),
        `${fmtNum(s.rate)}/s`,
        v(s.p50),
        v(s.p90),
        v(s.p99),
        v(s.p999),
        v(s.max),
      ];
    });
  lines.push(textTable(['metric', 'count', 'failures', 'rate', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows));
  if (results.thresholds.length > 0) {
    lines.push('');
    lines.push(
      textTable(
        ['threshold', 'actual', 'result'],
        results.thresholds.map((r) => [
          r.threshold.expr,
          r.actual === null ? 'no data' : fmtNum(r.actual, 3),
          r.pass ? 'pass' : 'FAIL',
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
