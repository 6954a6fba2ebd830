import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';
import { type HeapProbe, inspectorUrl, openHeapProbe } from './heap.probe';
import { soakChart } from './soak.chart';

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
    try {
      for (const [name, probe] of probes) sample[name as Series] = await probe.liveHeap();
      sample.redis = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
      samples.push(sample);
    } catch (error) {
      // A missed sample is a gap in the curve; a dead service shows as errors in the load.
      console.error(`soak: sample skipped: ${(error as Error).message}`);
    }
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

// A picture of the run: each service's live heap and Redis memory over time.
const series = (label: string, key: Series, color: string) => ({
  label,
  color,
  points: samples.map((s) => ({ t: s.t, bytes: s[key] })),
});
const svg = soakChart({
  heaps: [
    series('gateway', 'gateway', '#2563eb'),
    series('chat worker', 'chat-1', '#ea580c'),
    series('writer', 'writer-1', '#9333ea'),
  ],
  redis: series('Redis', 'redis', '#16a34a'),
  seconds: warmup + minutes * 60,
  warmup,
  minutes,
});
if (write) writeFileSync(resolve(import.meta.dirname, '../docs/soak.svg'), svg);

const row = (label: string, key: Series) =>
  `| ${label} | ${mb(start(key))} | ${mb(end(key))} | **${pct(growth(key))}** |`;
const body = [
  `${minutes} minute${minutes === 1 ? '' : 's'} of the load tool's mixed scenario (3 new users a second, chat and survey 3:1) after a ${warmup} s warm-up, against one gateway, one chat worker and one writer. Every ${every} s each process is made to collect its garbage through the inspector and its live heap is read; Redis memory from INFO. Start and end are the medians of the first and last three samples after the warm-up.`,
  '',
  '| | after warm-up | at the end | growth |',
  '|---|---|---|---|',
  row('gateway live heap', 'gateway'),
  row('chat worker live heap', 'chat-1'),
  row('writer live heap', 'writer-1'),
  `| Redis used memory (whole server) | ${mb(start('redis'))} | ${mb(end('redis'))} | +${mb(end('redis') - start('redis'))}, ${((end('redis') - start('redis')) / 1024 / Math.max(1, results.iterations.completed)).toFixed(1)} KB per iteration |`,
  '',
  `${results.iterations.completed} iterations, ${results.errors.count} errors, ${measured.length} samples after warm-up. Target: live-heap growth < 10 % after warm-up, no errors — ${verdict ? 'met' : 'missed'}. Redis grows by design: nothing it holds expires within a run (reply streams are kept 1 h, recent turns 24 h, sessions 30 days), so its memory rises with the users and replies made.`,
  '',
  '![soak](soak.svg)',
].join('\n');
console.log(body);
if (write) writeSection('soak', 'Soak', `npm run soak -- --minutes ${minutes}`, body);
process.exit(verdict ? 0 : 1);
