import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

/**
 * `npm run soak -- --minutes 10`: a mixed load (the load tool) against the stack while the
 * gateway's and a chat worker's heap and Redis's memory are sampled. Heap growth compares the
 * post-GC floor (lowest heap in a window) just after warm-up with the floor at the end, so a
 * collection that happens to run late does not read as a leak. Exits non-zero on ≥ 10 % growth
 * or any error.
 */
const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1] ?? 10) || 10;
const write = !process.argv.includes('--no-write');

const heapOf = async (url: string) => {
  const text = await (await fetch(url)).text();
  return Number(/^nodejs_heap_size_used_bytes\{[^}]*\} (\S+)/m.exec(text)?.[1] ?? Number.NaN);
};

const stack = await startBenchStack({ AUTOSCALE: 'false', LLM_SIM_TTFT_MS: '100', LLM_SIM_ITL_MS: '10' });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const samples: { t: number; gateway: number; chat: number; redis: number }[] = [];
const started = Date.now();
const sampler = setInterval(async () => {
  try {
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    samples.push({
      t: (Date.now() - started) / 1000,
      gateway: await heapOf(`${stack.baseUrl}/metrics`),
      chat: await heapOf(stack.chatMetricsUrl),
      redis: used,
    });
  } catch {
    // A missed sample is only a gap in the curve.
  }
}, 5000);

const out = mkdtempSync(join(tmpdir(), 'aira-soak-'));
let code = 0;
try {
  // The load tool's own progress line shows on stderr while it runs.
  const load = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'loadtest/main.ts',
      '--target',
      stack.baseUrl,
      '--scenario',
      'mixed',
      '--rate',
      '3',
      '--duration',
      `${minutes}m`,
      '--think',
      '200ms',
      '--out',
      out,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exit = await new Promise<number | null>((done) => load.on('exit', done));
  if (exit !== 0 && exit !== 1) throw new Error(`the load tool exited with ${exit}`);
} finally {
  clearInterval(sampler);
  redis.disconnect();
  await stack.stop();
}

const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
  errors: { count: number };
  iterations: { completed: number };
};
const after = samples.filter((s) => s.t >= minutes * 60 * 0.2);
const window = Math.max(2, Math.floor(after.length / 10));
const floor = (xs: typeof after, key: 'gateway' | 'chat' | 'redis') => Math.min(...xs.map((s) => s[key]));
const growth = (key: 'gateway' | 'chat' | 'redis') =>
  floor(after.slice(-window), key) / floor(after.slice(0, window), key) - 1;
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const mb = (v: number) => `${(v / 2 ** 20).toFixed(1)} MB`;
const verdict = growth('gateway') < 0.1 && growth('chat') < 0.1 && results.errors.count === 0;

// A picture of the run: heap of both processes and Redis memory over time.
const chart = (key: 'gateway' | 'chat' | 'redis', color: string) => {
  const max = Math.max(...samples.map((s) => s[key]));
  const pts = samples.map(
    (s) => `${((s.t / (minutes * 60)) * 560 + 30).toFixed(1)},${(190 - (s[key] / max) * 170).toFixed(1)}`,
  );
  return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`;
};
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="220" font-family="sans-serif" font-size="11" role="img"><title>Soak: heap and Redis memory over time</title><rect width="600" height="220" fill="#fff"/><text x="30" y="14">soak: heap (gateway blue, chat worker orange) and Redis memory (green), each scaled to its own max; ${minutes} min</text>${chart('gateway', '#2563eb')}${chart('chat', '#ea580c')}${chart('redis', '#16a34a')}<line x1="30" y1="190" x2="590" y2="190" stroke="#999"/></svg>`;
if (write) writeFileSync(resolve(import.meta.dirname, '../docs/soak.svg'), svg);

const last = samples.at(-1)!;
const body = [
  `${minutes} minutes of the load tool's mixed scenario (3 new users a second, chat and survey 3:1) against one gateway, one chat worker and one writer; heap sampled every 5 s from each process's /metrics, Redis memory from INFO.`,
  '',
  '| | after warm-up (floor) | at the end (floor) | growth |',
  '|---|---|---|---|',
  `| gateway heap | ${mb(floor(after.slice(0, window), 'gateway'))} | ${mb(floor(after.slice(-window), 'gateway'))} | **${pct(growth('gateway'))}** |`,
  `| chat worker heap | ${mb(floor(after.slice(0, window), 'chat'))} | ${mb(floor(after.slice(-window), 'chat'))} | **${pct(growth('chat'))}** |`,
  `| Redis used memory | ${mb(floor(after.slice(0, window), 'redis'))} | ${mb(last.redis)} | ${pct(growth('redis'))} |`,
  '',
  `${results.iterations.completed} iterations, ${results.errors.count} errors. Target: heap growth < 10 % after warm-up, no errors — ${verdict ? 'met' : 'missed'}. Redis grows by design while replies and sessions are kept for their TTLs.`,
  '',
  '![soak](soak.svg)',
].join('\n');
console.log(body);
if (write) writeSection('soak', 'Soak', `npm run soak -- --minutes ${minutes}`, body);
code = verdict ? 0 : 1;
process.exit(code);
