import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../cli/args.parse';
import type { LiveView } from '../run/load.run';
import type { TimelinePoint } from '../run/results.types';
import { noConsumerWarning, rateLimitWarnings } from '../run/run.warnings';
import { createProgressWriter, formatProgress } from './progress.line';

const config = parseLoadArgs(['--rate', '50', '--duration', '2m']);
if (config === 'help') throw new Error('unexpected');

const point = (over: Partial<TimelinePoint> = {}): TimelinePoint => ({
  t: 12,
  targetRate: 50,
  started: 48,
  completed: 40,
  failed: 1,
  late: 0,
  inflight: 31,
  ops: 200,
  errors: 1,
  metrics: { ttft: { count: 40, failures: 0, p50: 120, p99: 340.4 } },
  status: { queues: { chat: 12 }, queueAgeSeconds: {}, workers: { chat: { workers: 2, desired: 3 } } },
  ...over,
});
const live: LiveView = {
  config,
  mainMetric: 'ttft',
  totals: {
    scheduled: 600,
    started: 600,
    completed: 512,
    ok: 510,
    failed: 2,
    aborted: 0,
    late: 3,
    queued: 0,
    skipped: 0,
  },
  errors: 2,
  ops: 2000,
  warnings: [],
};

describe('formatProgress', () => {
  it('shows elapsed, rate, errors, main-metric percentiles, queue depth and workers', () => {
    expect(formatProgress(point(), live)).toBe(
      '0:12/2:00 | rate 48/s (target 50) | done 512 | inflight 31 | late 3 | err 2 (+1) | ttft p50 120ms p99 340ms | queue chat 12 | workers chat 2/3',
    );
  });
  it('ends with a hint naming the gateway limit behind 429s and a flooded queue nobody reads', () => {
    const warnings = [
      ...rateLimitWarnings({ http_guest: { http_429: 7 } }),
      noConsumerWarning('bull:chat', 3, 3),
    ];
    expect(formatProgress(point(), { ...live, warnings })).toMatch(
      / \| workers chat 2\/3 \| ! 429s are the gateway's RATE_LIMIT_AUTH_PER_MIN \| ! no worker reads bull:chat$/,
    );
  });
  it('shows "-" for what is not known', () => {
    const line = formatProgress(point({ status: null, metrics: {} }), live);
    expect(line).toContain('ttft p50 - p99 -');
    expect(line).toContain('queue -');
    expect(line).toContain('workers -');
  });
});

describe('createProgressWriter', () => {
  it('rewrites one line on a TTY and prints plain lines elsewhere', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 40 });
    let ttyOut = '';
    tty.on('data', (c) => {
      ttyOut += c;
    });
    const w = createProgressWriter(tty);
    w.write('first');
    w.write('x'.repeat(100));
    w.end();
    expect(ttyOut).toBe(`\r\x1b[2Kfirst\r\x1b[2K${'x'.repeat(39)}\n`);

    const pipe = new PassThrough();
    let pipeOut = '';
    pipe.on('data', (c) => {
      pipeOut += c;
    });
    const p = createProgressWriter(pipe);
    p.write('a');
    p.write('b');
    p.end();
    expect(pipeOut).toBe('a\nb\n');
  });
});
