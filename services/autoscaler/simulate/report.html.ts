import { lineChart } from './chart.svg';
import { budget, jobs, oracleRatio, percent, seconds, times, workerHours } from './report.markdown';
import type { RunSummary } from './run.sim';
import type { ScenarioResult } from './scenario.sim';

const COLORS: Record<string, string> = {
  aira: '#1b7f4b',
  keda: '#2a5db0',
  cdk: '#b5542a',
  oracle: '#6b4aa8',
};

const POLICY_NOTES: Record<string, string> = {
  aira: "Aira's <code>decide</code> (backlog and queue age), polled every few seconds; retires the least busy worker and lets it drain.",
  keda: 'KEDA Redis list scaler on the wait list (target 5 per replica, 30 s polling) with HPA defaults: +100 % or +4 pods per 15 s, 300 s scale-down stabilization, 30 s termination grace.',
  cdk: 'CDK QueueProcessingFargateService defaults: steps on visible messages (Maximum over 5 min, evaluated each minute, 300 s cooldown) at 0/100/500 → −1/+1/+5, plus CPU target tracking at 50 %; 30 s stop timeout.',
  oracle:
    'A bound, not a policy: knows every arrival and job time ahead, runs the fewest workers that start each job before its SLO deadline (started a start-up ahead), replayed through the same model. The lower bound under each table is what no policy can beat.',
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1040px;color:#1d1d1f;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;margin-top:36px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:26px 0 6px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
td:first-child,td:nth-child(2),th{text-align:left}th{background:#f5f5f7}
.row{display:flex;gap:8px;flex-wrap:wrap}.col{flex:1 1 320px}.col h4{margin:4px 0;font-size:13px}
.note{color:#555;font-size:12px;margin:2px 0 6px}
svg{display:block;background:#fcfcfd;border:1px solid #eee;margin-bottom:4px}
svg .title{font-size:10px;fill:#333}svg .ytick{font-size:8px;fill:#777;text-anchor:end}
svg .xtick{font-size:8px;fill:#777;text-anchor:middle}svg .grid{stroke:#eee}
svg .ref{stroke:#d33;stroke-dasharray:3 2}svg .reflabel{font-size:8px;fill:#d33;text-anchor:end}
code{background:#f2f2f4;padding:0 3px;border-radius:3px}
`;

const AGE_TICKS = [0, 1, 2, 5, 10, 30, 60, 300, 1000, 3600];

function niceTicks(max: number): number[] {
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500].find((s) => max / s <= 5) ?? 1000;
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  return ticks;
}

function summaryTable(result: ScenarioResult): string {
  const limited = result.scenario.provider !== undefined;
  const cells = (s: RunSummary) => [
    s.policy,
    percent(s.minutesWithinSlo),
    seconds(s.p99WaitSeconds),
    seconds(s.maxAgeSeconds),
    workerHours(s.workerSeconds),
    limited ? s.rejectedCalls.toLocaleString('en-US') : times(oracleRatio(result, s)),
    String(s.peakWorkers),
    jobs(s),
    String(s.interrupted),
  ];
  const header = [
    'policy',
    'minutes within SLO',
    limited ? 'p99 wait for the call' : 'p99 queue wait',
    limited ? 'max wait for the call' : 'max queue age',
    'worker-hours',
    limited ? '429s' : '× oracle',
    'peak workers',
    'jobs completed in the trace',
    'killed by scale-in',
  ];
  const row = (tag: string, values: string[]) =>
    `<tr>${values.map((v) => `<${tag}>${v}</${tag}>`).join('')}</tr>`;
  const bound = result.lowerBoundWorkerSeconds;
  return (
    `<table>${row('th', header)}${result.runs.map((r) => row('td', cells(r.summary))).join('')}</table>` +
    (bound === undefined
      ? ''
      : `<p class="note">Lower bound: ${workerHours(bound)}; no policy keeps every minute within the SLO on less.</p>`)
  );
}

function scenarioSection(result: ScenarioResult, traceNote: string): string {
  const { scenario, runs } = result;
  const slo = scenario.fleet.queueAgeSloSeconds;
  const arrivals = scenario.arrivals;
  const peakArrivals = Math.max(...arrivals);
  const ageMax = Math.max(
    slo * 2,
    ...runs.map((r) => r.series.ageSeconds.reduce((a, b) => Math.max(a, b), 0)),
  );
  const workersMax = Math.max(scenario.fleet.max, ...runs.map((r) => r.summary.peakWorkers));
  const columns = runs.map(({ summary, series }) => {
    const color = COLORS[summary.policy] ?? '#444';
    return (
      `<div class="col"><h4 style="color:${color}">${summary.policy}</h4>` +
      lineChart({
        title: 'oldest waiting job, s (log scale; highest per pixel)',
        values: series.ageSeconds,
        aggregate: 'max',
        yMax: ageMax,
        yTicks: AGE_TICKS,
        log: true,
        color,
        reference: { value: slo, label: `SLO ${slo} s` },
      }) +
      lineChart({
        title: 'workers alive (starting, serving, retiring)',
        values: series.workers,
        aggregate: 'max',
        yMax: workersMax,
        yTicks: niceTicks(workersMax),
        color,
        reference: { value: scenario.fleet.max, label: `max ${scenario.fleet.max}` },
      }) +
      '</div>'
    );
  });
  return (
    `<h3>${scenario.trace}${scenario.provider ? `, provider budget ${budget(scenario.provider)}` : ''}</h3>` +
    `<p class="note">${traceNote} ${arrivals.length.toLocaleString('en-US')} s, ` +
    `${runs[0]!.summary.arrivals.toLocaleString('en-US')} jobs; fleet min ${scenario.fleet.min}, max ${scenario.fleet.max}, ` +
    `concurrency ${scenario.fleet.concurrency}, ${runs[0]!.series.workers[0]} workers at the start.</p>` +
    summaryTable(result) +
    lineChart({
      title: 'arrivals per second (mean per pixel)',
      values: arrivals,
      aggregate: 'mean',
      yMax: peakArrivals,
      yTicks: niceTicks(peakArrivals),
      color: '#555',
      width: 980,
      height: 90,
    }) +
    `<div class="row">${columns.join('')}</div>`
  );
}

export interface ReportContext {
  readonly command: string;
  readonly traceNotes: Readonly<Record<string, string>>;
  readonly assumptions: readonly string[];
}

export function reportHtml(results: readonly ScenarioResult[], context: ReportContext): string {
  const modes = [...new Set(results.map((r) => r.scenario.startupSeconds))].sort((a, b) => b - a);
  const section = (title: string, provider: boolean) =>
    modes.map((startup) => {
      const label = startup >= 30 ? `${startup} s (Fargate-like)` : `${startup} s (local processes)`;
      const body = results
        .filter(
          (r) => r.scenario.startupSeconds === startup && (r.scenario.provider !== undefined) === provider,
        )
        .map((r) => scenarioSection(r, context.traceNotes[r.scenario.trace] ?? ''))
        .join('');
      const heading = title ? `${title}: worker start-up ${label}` : `Worker start-up ${label}`;
      return body ? `<h2>${heading}</h2>${body}` : '';
    });
  const sections = [...section('', false), ...section('Provider-limited replay', true)];
  const policies = Object.entries(POLICY_NOTES)
    .map(([name, note]) => `<li><b style="color:${COLORS[name]}">${name}</b>: ${note}</li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Aira scaling simulation</title><style>${STYLE}</style></head><body>
<h1>Aira scaling simulation</h1>
<p>Arrival traces replayed through a 1 s queue model of the chat fleet under three scaling policies and the oracle. Produced by <code>${context.command}</code>. See <code>docs/SCALING.md</code> for the policy and the model.</p>
<ul>${policies}</ul>
<p class="note">${context.assumptions.join(' ')}</p>
${sections.join('\n')}
</body></html>
`;
}
