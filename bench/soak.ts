import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';
import { type HeapProbe, inspectorUrl, openHeapProbe } from './heap.probe';

/**
 * `npm run soak -- --minutes 10 [--warmup 30] [--no-write]`: a mixed load (the load tool) against
 * the stack while the live heap of the gateway, a chat worker and a writer and Redis's memory are
 * sampled. Each service runs with the inspector on a local port; a sample is a full garbage
 * collection followed by the heap in use, so a reading is what is really kept alive rather than
 * wherever V8's last collection happened to leave it. Growth compares the first samples after the
 * warm-up with the last ones. Exits non-zero on ≥ 10 % growth or any error.
 */
const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) || fallback : fallback;
};
const minutes = option('minutes', 10);
const warmup = option('warmup', 30);
const write = !process.argv.includes('--no-write');
const every = 5;
const services = ['gateway', 'chat-1', 'writer-1'] as const;
type Series = (typeof services)[number] | 'redis';

const stack = await startBenchStack({
  AUTOSCALE: 'false',
  LLM_SIM_TTFT_MS: '100',
  LLM_SIM_ITL_MS: '10',
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim(),
});
const probes = new Map<string, HeapProbe>();
for (const name of services) {
  const url = inspectorUrl(stack.output(), name);
  if (!url) throw new Error(`${name} printed no inspector address`);
  probes.set(name, await openHeapProbe(url));
}
const redis = new Redis(stack.redisUrl);
const samples: (Record<Series, number> & { t: number })[] = [];
const started = Date.now();
let sampling = Promise.resolve();
const sampler = setInterval(() => {
  sampling = sampling.then(async () => {
    const sample = { t: (Date.now() - started) / 1000 } as Record<Series, number> & { t: number };
    for (const [name, probe] of probes) sample[name as Series] = await probe.liveHeap();
    sample.redis = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    samples.push(sample);
  });
}, every * 1000);

const out = mkdtempSync(join(tmpdir(), 'aira-soak-'));
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
      `${warmup + minutes * 60}s`,
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
  await sampling;
  for (const probe of probes.values()) probe.close();
  redis.disconnect();
  await stack.stop();
}

const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
  errors: { count: number };
  iterations: { completed: number };
};
const measured = samples.filter((s) => s.t >= warmup);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const start = (key: Series) => median(measured.slice(0, 3).map((s) => s[key]));
const end = (key: Series) => median(measured.slice(-3).map((s) => s[key]));
const growth = (key: Series) => end(key) / start(key) - 1;
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const mb = (v: number) => `${(v / 2 ** 20).toFixed(1)} MB`;
const verdict =
  measured.length >= 6 && services.every((name) => growth(name) < 0.1) && results.errors.count === 0;

// A picture of the run: each series over time, scaled to its own maximum.
const colors: Record<Series, string> = {
  gateway: '#2563eb',
  'chat-1': '#ea580c',
  'writer-1': '#9333ea',
  redis: '#16a34a',
};
const total = warmup + minutes * 60;
const chart = (key: Series) => {
  const max = Math.max(...samples.map((s) => s[key]));
  const pts = samples.map(
    (s) => `${((s.t / total) * 560 + 30).toFixed(1)},${(190 - (s[key] / max) * 170).toFixed(1)}`,
  );
  return `<polyline fill="none" stroke="${colors[key]}" stroke-width="2" points="${pts.join(' ')}"/>`;
};
const warmX = ((warmup / total) * 560 + 30).toFixed(1);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="220" font-family="sans-serif" font-size="11" role="img"><title>Soak: live heap and Redis memory over time</title><rect width="600" height="220" fill="#fff"/><text x="30" y="14">soak, ${minutes} min after ${warmup} s warm-up: live heap of gateway (blue), chat worker (orange), writer (purple); Redis memory (green); each scaled to its own max</text><line x1="${warmX}" y1="20" x2="${warmX}" y2="190" stroke="#bbb" stroke-dasharray="4 3"/>${(['gateway', 'chat-1', 'writer-1', 'redis'] as const).map(chart).join('')}<line x1="30" y1="190" x2="590" y2="190" stroke="#999"/></svg>`;
if (write) writeFileSync(resolve(import.meta.dirname, '../docs/soak.svg'), svg);

const row = (label: string, key: Series, bold: boolean) =>
  `| ${label} | ${mb(start(key))} | ${mb(end(key))} | ${bold ? `**${pct(growth(key))}**` : pct(growth(key))} |`;
const body = [
  `${minutes} minute${minutes === 1 ? '' : 's'} of the load tool's mixed scenario (3 new users a second, chat and survey 3:1) after a ${warmup} s warm-up, against one gateway, one chat worker and one writer. Every ${every} s each process is made to collect its garbage through the inspector and its live heap is read; Redis memory from INFO. Start and end are the medians of the first and last three samples after the warm-up.`,
  '',
  '| | after warm-up | at the end | growth |',
  '|---|---|---|---|',
  row('gateway live heap', 'gateway', true),
  row('chat worker live heap', 'chat-1', true),
  row('writer live heap', 'writer-1', true),
  row('Redis used memory', 'redis', false),
  '',
  `${results.iterations.completed} iterations, ${results.errors.count} errors, ${measured.length} samples after warm-up. Target: live-heap growth < 10 % after warm-up, no errors — ${verdict ? 'met' : 'missed'}. Redis grows by design while replies and sessions are kept for their TTLs.`,
  '',
  '![soak](soak.svg)',
].join('\n');
console.log(body);
if (write) writeSection('soak', 'Soak', `npm run soak -- --minutes ${minutes}`, body);
process.exit(verdict ? 0 : 1);
