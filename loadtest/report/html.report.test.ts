import { describe, expect, it } from 'vitest';
import { createRecorder } from '../metrics/metrics.recorder';
import type { RunResults, TimelinePoint } from '../run/results.types';
import { parseThreshold } from '../thresholds/thresholds';
import { chartsFor, renderHtmlReport } from './html.report';
import { lineChart, niceCeil, tickLabel, timeLabel } from './svg.chart';

function results(): RunResults {
  const rec = createRecorder();
  const timeline: TimelinePoint[] = [];
  for (let s = 1; s <= 5; s++) {
    for (let i = 0; i < 10; i++) rec.ok('ttft', 100 + s * 10 + i);
    rec.ok('http_guest', 5);
    if (s === 3) rec.fail('http_send_message', 'http_503');
    const interval = rec.tick();
    timeline.push({
      t: s,
      targetRate: 10,
      started: 10,
      completed: 9,
      failed: s === 3 ? 1 : 0,
      late: 0,
      inflight: 4,
      ops: interval.ops,
      errors: interval.errors,
      metrics: interval.metrics,
      status:
        s === 2
          ? null
          : { queues: { chat: s * 3 }, queueAgeSeconds: {}, workers: { chat: { workers: 2, desired: 3 } } },
    });
  }
  const { metrics, errors } = rec.summary(5000);
  return {
    tool: 'aira-loadtest',
    version: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:05.000Z',
    elapsedMs: 5000,
    target: 'http://127.0.0.1:3000',
    scenario: 'chat',
    mainMetric: 'ttft',
    model: { kind: 'open' },
    options: { note: '<script>alert(1)</script>' },
    end: 'completed',
    iterations: {
      scheduled: 50,
      started: 50,
      completed: 45,
      ok: 44,
      failed: 1,
      aborted: 0,
      late: 0,
      queued: 0,
      skipped: 0,
    },
    metrics,
    errors,
    warnings: [
      '42 × http_429 on http_guest: the gateway’s own limit (RATE_LIMIT_AUTH_PER_MIN) <refused> them.',
    ],
    counters: { stream_resets: 2, stream_reconnects: 0, survey_polls: 0, flood_messages: 0, aborted_ops: 0 },
    timeline,
    thresholds: [
      { threshold: parseThreshold('ttft.p99<800'), actual: 159, pass: true },
      { threshold: parseThreshold('errors.rate<0.01'), actual: 0.1, pass: false },
    ],
  };
}

describe('renderHtmlReport', () => {
  it('renders one self-contained page with an svg per chart', () => {
    const r = results();
    const html = renderHtmlReport(r);
    const charts = chartsFor(r);
    expect(charts.map((c) => c.title)).toEqual([
      'Throughput',
      'ttft latency per second',
      'p99 per operation',
      'Errors and late starts',
      'Queue depth (waiting + active)',
      'Workers',
    ]);
    expect(html.match(/<svg /g)).toHaveLength(charts.length);
    expect(html.match(/<\/svg>/g)).toHaveLength(charts.length);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('shows the summary table, the threshold verdicts and the errors', () => {
    const html = renderHtmlReport(results());
    for (const head of ['count', 'failures', 'rate', 'p50', 'p90', 'p99', 'p99.9', 'max'])
      expect(html).toContain(`<th>${head}</th>`);
    expect(html).toMatch(/<td title="[^"]*">ttft<\/td><td>50<\/td>/);
    expect(html).toContain('<td>ttft.p99&#60;800</td>');
    expect(html).toContain('<td class="bad">FAIL</td>');
    expect(html).toContain('<td class="good">pass</td>');
    expect(html).toContain('<td>http_send_message</td><td>http_503</td><td>1</td>');
    expect(html).toContain('stream_resets');
    // Run options are data, never markup.
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('<h2>Warnings</h2><ul class="warnings"><li>42 × http_429 on http_guest');
    expect(html).toContain('RATE_LIMIT_AUTH_PER_MIN) &#60;refused&#62;');
  });

  it('labels time axes in ms below a second and in s above, never "kms"', () => {
    expect(tickLabel(250, 'ms', 500)).toBe('250ms');
    expect(tickLabel(1250, 'ms', 5000)).toBe('1.25s');
    expect(tickLabel(5000, 'ms', 5000)).toBe('5s');
    expect(tickLabel(2500, '/s', 5000)).toBe('2.5k');
    expect(timeLabel(30, 60)).toBe('30s');
    expect(timeLabel(900, 1200)).toBe('15m');
    const slow = lineChart({
      title: 'ttft',
      unit: 'ms',
      series: [
        {
          name: 'p99',
          points: [
            [1, 900],
            [2, 3800],
            [3, 4700],
          ],
        },
      ],
    });
    expect(slow).not.toMatch(/kms/);
    expect(slow).toContain('>5s</text>');
    expect(slow).toContain('>3.75s</text>');
  });

  it('draws the series it is given and breaks lines where there is no sample', () => {
    const r = results();
    const queue = chartsFor(r).find((c) => c.title.startsWith('Queue depth'))!;
    const svg = lineChart(queue);
    // Second 2 has no status sample: the chat line is drawn as two pieces.
    const path = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(lineChart({ title: 'empty', unit: 'ms', series: [] })).toContain('no data');
    expect(niceCeil(0.3)).toBe(0.5);
    expect(niceCeil(730)).toBe(1000);
    expect(niceCeil(0)).toBe(1);
  });
});
