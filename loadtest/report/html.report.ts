import { METRICS, type MetricName } from '../metrics/metric.names';
import type { RunResults, TimelinePoint } from '../run/results.types';
import { fmtMs, fmtNum, fmtPct, fmtValue } from './format';
import { escapeXml as esc, lineChart, type Series } from './svg.chart';

interface Chart {
  readonly title: string;
  readonly unit: string;
  readonly series: Series[];
}

const point = (p: TimelinePoint, y: number | null) => [p.t, y] as const;

function keys<T>(
  timeline: readonly TimelinePoint[],
  pick: (p: TimelinePoint) => Record<string, T> | undefined,
) {
  return [...new Set(timeline.flatMap((p) => Object.keys(pick(p) ?? {})))].sort();
}

/** The charts of the report, all over the run's seconds. */
export function chartsFor(results: RunResults): Chart[] {
  const tl = results.timeline;
  const main = results.mainMetric;
  const rateSeries: Series[] = [
    {
      name: results.scenario === 'http' ? 'requests/s' : 'iterations started/s',
      points: tl.map((p) => point(p, results.scenario === 'http' ? p.ops : p.started)),
    },
  ];
  if (results.scenario !== 'http')
    rateSeries.push({ name: 'operations/s', points: tl.map((p) => point(p, p.ops)) });
  if (tl.some((p) => p.targetRate !== null)) {
    rateSeries.push({ name: 'target rate', dashed: true, points: tl.map((p) => point(p, p.targetRate)) });
  }
  const ops = (Object.keys(METRICS) as MetricName[]).filter(
    (m) => METRICS[m].kind === 'op' && tl.some((p) => p.metrics[m]),
  );
  const queues = keys(tl, (p) => p.status?.queues);
  const fleets = keys(tl, (p) => p.status?.workers);
  return [
    { title: 'Throughput', unit: '/s', series: rateSeries },
    {
      title: `${main} latency per second`,
      unit: METRICS[main].unit,
      series: [
        { name: 'p50', points: tl.map((p) => point(p, p.metrics[main]?.p50 ?? null)) },
        { name: 'p99', points: tl.map((p) => point(p, p.metrics[main]?.p99 ?? null)) },
      ],
    },
    {
      title: 'p99 per operation',
      unit: 'ms',
      series: ops.map((m) => ({ name: m, points: tl.map((p) => point(p, p.metrics[m]?.p99 ?? null)) })),
    },
    {
      title: 'Errors and late starts',
      unit: '/s',
      series: [
        { name: 'errors/s', points: tl.map((p) => point(p, p.errors)) },
        { name: 'late starts/s', points: tl.map((p) => point(p, p.late)) },
        { name: 'in flight', dashed: true, points: tl.map((p) => point(p, p.inflight)) },
      ],
    },
    {
      title: 'Queue depth (waiting + active)',
      unit: '',
      series: queues.map((q) => ({ name: q, points: tl.map((p) => point(p, p.status?.queues[q] ?? null)) })),
    },
    {
      title: 'Workers',
      unit: '',
      series: fleets.flatMap((f) => [
        { name: `${f} workers`, points: tl.map((p) => point(p, p.status?.workers[f]?.workers ?? null)) },
        {
          name: `${f} desired`,
          dashed: true,
          points: tl.map((p) => point(p, p.status?.workers[f]?.desired ?? null)),
        },
      ]),
    },
  ];
}

function table(head: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.join('')}</tr>`).join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

const td = (text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(text)}</td>`;

function summaryTable(results: RunResults): string {
  const rows = (Object.keys(METRICS) as MetricName[])
    .filter((m) => results.metrics[m])
    .map((m) => {
      const s = results.metrics[m]!;
      const v = (x: number) => td(s.count - s.failures > 0 ? fmtValue(x, s.unit) : '-');
      return [
        `<td title="${esc(METRICS[m].what)}">${esc(m)}</td>`,
        td(String(s.count)),
        td(String(s.failures), s.failures > 0 ? 'bad' : ''),
        td(`${fmtNum(s.rate)}/s`),
        v(s.p50),
        v(s.p90),
        v(s.p99),
        v(s.p999),
        v(s.max),
      ];
    });
  return table(['metric', 'count', 'failures', 'rate', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows);
}

function thresholdTable(results: RunResults): string {
  if (results.thresholds.length === 0) return '<p class="muted">No thresholds were set.</p>';
  const rows = results.thresholds.map((r) => [
    td(r.threshold.expr),
    td(r.actual === null ? 'no data' : fmtNum(r.actual, 3)),
    td(r.pass ? 'pass' : 'FAIL', r.pass ? 'good' : 'bad'),
  ]);
  return table(['threshold', 'actual', 'result'], rows);
}

function errorTable(results: RunResults): string {
  const entries = Object.entries(results.errors.byMetric).flatMap(([metric, kinds]) =>
    Object.entries(kinds).map(([kind, n]) => [td(metric), td(kind), td(String(n))]),
  );
  if (entries.length === 0) return '<p class="muted">No errors.</p>';
  return table(['operation', 'kind', 'count'], entries);
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111;max-width:1500px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.muted{color:#666}
table{border-collapse:collapse;margin:4px 0}th,td{padding:3px 10px;border-bottom:1px solid #e5e7eb;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f4f6}.bad{color:#b91c1c;font-weight:600}.good{color:#15803d;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(720px,1fr));gap:12px}
figure{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
svg{max-width:100%;height:auto}svg .grid{stroke:#e5e7eb}svg text{font:11px system-ui,sans-serif;fill:#374151}
svg .ylab{text-anchor:end;dominant-baseline:middle}svg .xlab{text-anchor:middle}svg .nodata{text-anchor:middle;fill:#9ca3af}
.warnings li{color:#92400e;margin:2px 0}.kv{display:grid;grid-template-columns:max-content auto;gap:2px 16px}pre{background:#f9fafb;padding:8px;overflow:auto}`;

/** The single-file HTML report: summary, thresholds, errors and inline SVG charts. */
export function renderHtmlReport(results: RunResults): string {
  const it = results.iterations;
  const passed = results.thresholds.every((t) => t.pass);
  const kv: [string, string][] = [
    ['target', results.target],
    ['scenario', results.scenario],
    ['model', String(results.model.kind)],
    ['started', results.startedAt],
    ['elapsed', fmtMs(results.elapsedMs)],
    ['ended', results.end.replace('_', ' ')],
    [
      'iterations',
      `${it.completed} done, ${it.ok} ok, ${it.failed} failed, ${it.aborted} aborted, ${it.skipped} skipped`,
    ],
    ['late starts', `${it.late} of ${it.started} (${it.queued} waited for a free slot under --max-inflight)`],
    ['errors', `${results.errors.count} (${fmtPct(results.errors.rate)} of operations)`],
    ['thresholds', results.thresholds.length === 0 ? 'none' : passed ? 'all passed' : 'BREACHED'],
  ];
  const counters = Object.entries(results.counters).filter(([, n]) => n > 0);
  const charts = chartsFor(results)
    .map(
      (c) =>
        // Time axes carry their own unit on every tick (ms, or s once they reach a second).
        `<figure><figcaption>${esc(c.title)}${c.unit && c.unit !== 'ms' ? ` (${esc(c.unit)})` : ''}</figcaption>${lineChart(c)}</figure>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aira load test · ${esc(results.scenario)} · ${esc(results.startedAt)}</title>
<style>${STYLE}</style></head><body>
<h1>Aira load test: ${esc(results.scenario)}</h1>
<div class="kv">${kv.map(([k, v]) => `<span class="muted">${esc(k)}</span><span>${esc(v)}</span>`).join('')}</div>
${
  results.warnings.length > 0
    ? `<h2>Warnings</h2><ul class="warnings">${results.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
    : ''
}
<h2>Thresholds</h2>${thresholdTable(results)}
<h2>Summary</h2>${summaryTable(results)}
<p class="muted">Latencies in the open model count from each iteration's intended start; ttft and reply_total count from the moment the message POST was due.</p>
<h2>Errors</h2>${errorTable(results)}
${
  counters.length > 0
    ? `<h2>Counters</h2>${table(
        ['counter', 'count'],
        counters.map(([k, n]) => [td(k), td(String(n))]),
      )}`
    : ''
}
<h2>Over time</h2><div class="charts">${charts}</div>
<h2>Run options</h2><pre>${esc(JSON.stringify({ model: results.model, options: results.options }, null, 2))}</pre>
</body></html>
`;
}
