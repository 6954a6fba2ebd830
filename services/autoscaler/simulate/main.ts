/**
 * `npm run simulate`: replays the arrival traces through the queue model under Aira's policy, KEDA
 * defaults and CDK defaults, then writes docs/scaling/report.html and the summary in docs/SCALING.md.
 *
 *   --startup local|fargate|all   worker start-up 2 s, 60 s or both (default all)
 *   --traces a,b                  trace names from traces/ (default all three)
 *   --seed n                      seed for job times and scale-in choices (default 42)
 *   --interval s                  Aira's autoscaler poll interval (default 5)
 *   --concurrency n --target n    chat concurrency / targetBacklogPerWorker other than fleets.config's
 *   --no-write                    print the summary only
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type FleetScaling, fleets } from '../../../shared/scaling/fleets.config';
import type { ProviderBudget } from '../../../shared/scaling/policy';
import { reportHtml } from './report.html';
import { replaceGenerated, summaryMarkdown } from './report.markdown';
import { chatReplyTime, chatWorkerCpu, fleetForPeak, runScenario, type ScenarioResult } from './scenario.sim';
import { parseTrace } from './trace.reader';

const here = import.meta.dirname;
const root = resolve(here, '../../..');

const TRACES: Record<string, string> = {
  'steady-day': '2 h of an ordinary day around 0.4 replies/s.',
  spike: '1 h at 0.4 replies/s with a 3 min burst at 20 replies/s from minute 20.',
  'diurnal-1000x':
    'A 24 h day compressed into 1 h (1 s = 24 s of the day; ramps are 24× steeper than real) at 1000× the local peak of 0.5 replies/s; max is raised to what the peak needs plus 25 %.',
};

const STARTUP: Record<string, number[]> = { local: [2], fargate: [60], all: [60, 2] };

/**
 * Provider-limited replays: the same arrivals with an LLM budget every call must fit. The spike's is
 * below its burst (4 calls/s against 20 arrivals/s, requests the limit); the 1000× day's is an
 * OpenAI tier-5-like organisation budget, tokens the limit (10 M TPM at 1,500 tokens per reply:
 * 111 replies/s against a 500/s peak).
 */
const PROVIDER: Record<string, ProviderBudget> = {
  spike: { requestsPerMinute: 240, tokensPerMinute: 1_000_000, tokensPerJob: 1500 },
  'diurnal-1000x': { requestsPerMinute: 10_000, tokensPerMinute: 10_000_000, tokensPerJob: 1500 },
};

const { values } = parseArgs({
  options: {
    startup: { type: 'string', default: 'all' },
    traces: { type: 'string', default: Object.keys(TRACES).join(',') },
    seed: { type: 'string', default: '42' },
    interval: { type: 'string', default: '5' },
    concurrency: { type: 'string' },
    target: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});

const startups = STARTUP[values.startup];
const seed = Number(values.seed);
const interval = Number(values.interval);
const traces = values.traces.split(',').map((t) => t.trim());
if (!startups)
  throw new Error(`--startup must be one of ${Object.keys(STARTUP).join(', ')}, got "${values.startup}"`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
if (!(interval >= 1)) throw new Error(`--interval must be at least 1 s, got "${values.interval}"`);
for (const t of traces) if (!(t in TRACES)) throw new Error(`--traces: unknown trace "${t}"`);
const count = (name: 'concurrency' | 'target') => {
  const text = values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${text}"`);
  return n;
};
const concurrency = count('concurrency');
const target = count('target');
const chat: FleetScaling = {
  ...fleets.chat,
  ...(concurrency !== undefined && { concurrency }),
  ...(target !== undefined && { targetBacklogPerWorker: target }),
};

const started = performance.now();
const results: ScenarioResult[] = [];
for (const startupSeconds of startups) {
  for (const trace of traces) {
    const file = join(here, 'traces', `${trace}.csv`);
    const arrivals = parseTrace(readFileSync(file, 'utf8'), file);
    const fleet = fleetForPeak(chat, arrivals, chatReplyTime);
    const scenario = {
      trace,
      arrivals,
      fleet,
      startupSeconds,
      seed,
      airaIntervalSeconds: interval,
      jobTime: chatReplyTime,
    };
    results.push(runScenario(scenario));
    const provider = PROVIDER[trace];
    if (provider) results.push(runScenario({ ...scenario, provider }));
  }
}

const args = process.argv.slice(2).join(' ');
const command = `npm run simulate${args ? ` -- ${args}` : ''}`;
const markdown = summaryMarkdown(results, command);
console.log(markdown);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);

if (!values['no-write']) {
  const assumptions = [
    `Chat replies take lognormal time, median ${chatReplyTime.medianSeconds} s, σ ${chatReplyTime.sigma}, capped at ${chatReplyTime.maxSeconds} s.`,
    `A ready worker uses ${chatWorkerCpu.idlePercent} % CPU plus ${chatWorkerCpu.perJobPercent} % per running reply (it waits on the LLM).`,
    `All policies share the fleet's min and max and the same start-up delay; the fleet starts with what the first minute's arrivals keep busy (at least min), already running.`,
    `Seed ${seed}. Worker-hours and jobs completed count the trace window; p99 wait counts every job, including those finished after it.`,
  ];
  const html = reportHtml(results, {
    command,
    traceNotes: TRACES,
    assumptions,
  });
  writeFileSync(join(root, 'docs/scaling/report.html'), html);
  const docPath = join(root, 'docs/SCALING.md');
  writeFileSync(docPath, replaceGenerated(readFileSync(docPath, 'utf8'), markdown));
  console.log('wrote docs/scaling/report.html and the summary in docs/SCALING.md');
}
