import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunResults } from '../loadtest/run/results.types';
import { repoRoot } from '../test/harness/processes';
import { loadAverage, medianRatio, ms, writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

const run = promisify(execFile);

interface Figures {
  rate: number;
  failed: number;
  p50: number;
  p99: number;
}

/** The load tool's max-rate mode as a user runs it, in its own process. */
async function loadTool(baseUrl: string, connections: number, seconds: number): Promise<Figures> {
  const out = mkdtempSync(join(tmpdir(), 'aira-loadtool-'));
  try {
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'loadtest/main.ts',
        ...['--target', baseUrl, '--scenario', 'http', '--path', '/healthz'],
        ...['--connections', String(connections), '--duration', `${seconds}s`, '--quiet', '--out', out],
      ],
      { cwd: repoRoot, maxBuffer: 16 * 2 ** 20 },
    );
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    const m = results.metrics.http_request!;
    return {
      rate: (m.count - m.failures) / (results.elapsedMs / 1000),
      failed: m.failures,
      p50: m.p50,
      p99: m.p99,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** autocannon's own command line, in its own process, same connections and duration. */
async function autocannonCli(url: string, connections: number, seconds: number): Promise<Figures> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const { stdout } = await run(
    process.execPath,
    [bin, '-c', String(connections), '-d', String(seconds), '-j', url],
    { cwd: repoRoot, maxBuffer: 16 * 2 ** 20 },
  );
  const r = JSON.parse(stdout) as {
    '2xx': number;
    non2xx: number;
    errors: number;
    duration: number;
    latency: { p50: number; p99: number };
  };
  return { rate: r['2xx'] / r.duration, failed: r.non2xx + r.errors, p50: r.latency.p50, p99: r.latency.p99 };
}

/**
 * The load tool's ceiling: its max-rate mode against autocannon on the same endpoint of a running
 * gateway, same connections and duration, alternating, so both see the same machine.
 */
export async function loadtoolRateBench(
  opts: { connections?: number; seconds?: number; rounds?: number } = {},
) {
  const connections = opts.connections ?? 50;
  const seconds = opts.seconds ?? 10;
  const rounds = opts.rounds ?? 3;
  const stack = await startBenchStack({ AUTOSCALE: 'false', CHAT_WORKERS: '0', WRITER_WORKERS: '0' });
  try {
    const url = `${stack.baseUrl}/healthz`;
    // Warm the gateway's route (JIT) before anything is measured.
    await autocannonCli(url, connections, 3);
    const tool: Figures[] = [];
    const cannon: Figures[] = [];
    const load = [loadAverage()];
    for (let round = 1; round <= rounds; round++) {
      tool.push(await loadTool(stack.baseUrl, connections, seconds));
      cannon.push(await autocannonCli(url, connections, seconds));
      process.stderr.write(
        `loadtool-rate: round ${round}/${rounds}: load tool ${Math.round(tool.at(-1)!.rate)}/s, autocannon ${Math.round(cannon.at(-1)!.rate)}/s\n`,
      );
    }
    const mean = (runs: Figures[], pick: (f: Figures) => number) =>
      runs.reduce((s, f) => s + pick(f), 0) / runs.length;
    load.push(loadAverage());
    const pairs = tool.map((f, i) => f.rate / cannon[i]!.rate);
    const ratio = medianRatio(
      tool.map((f) => f.rate),
      cannon.map((f) => f.rate),
    );
    const row = (name: string, runs: Figures[]) =>
      `| ${name} | ${runs.map((f) => Math.round(f.rate)).join(' / ')} | **${Math.round(mean(runs, (f) => f.rate))}** | ${ms(mean(runs, (f) => f.p50))} | ${ms(mean(runs, (f) => f.p99))} | ${runs.reduce((n, f) => n + f.failed, 0)} |`;
    const body = [
      `\`GET /healthz\` of one gateway (started as \`npm start\` starts it, no workers), ${connections} keep-alive connections, ${rounds} runs of ${seconds} s with each client, alternating, each client in its own process: \`npm run loadtest -- --scenario http --path /healthz --connections ${connections} --duration ${seconds}s\` and \`autocannon -c ${connections} -d ${seconds}\`.`,
      '',
      '| client | responses/s per run | mean/s | p50 | p99 | failed |',
      '|---|---|---|---|---|---|',
      row('Aira load tool (max-rate mode)', tool),
      row('autocannon', cannon),
      `| **load tool ÷ autocannon** | ${pairs.map((r) => `${(r * 100).toFixed(0)} %`).join(' / ')} | **${(ratio * 100).toFixed(1)} %** (median) | | | |`,
      '',
      `Target: ≥ 80 % of autocannon. ${ratio >= 0.8 ? 'Met' : `Missed by ${((0.8 - ratio) * 100).toFixed(1)} points`}. Client and gateway share the 2 cores with each other and with whatever else runs (load average ${load.map((l) => l.toFixed(1)).join(' → ')} over the run), so a run's rate swings with the machine; the headline is the median of the per-round ratios, each round running both clients back to back. Above 100 % means the load tool needs less CPU per request than autocannon, which on a shared box leaves more of it to the gateway.`,
    ].join('\n');
    console.log(body);
    writeSection(
      'loadtool-rate',
      'Load tool maximum rate against autocannon',
      'npm run bench -- loadtool-rate',
      body,
    );
    return { ratio };
  } finally {
    await stack.stop();
  }
}
