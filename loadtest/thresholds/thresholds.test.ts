import { describe, expect, it } from 'vitest';
import { createRecorder } from '../metrics/metrics.recorder';
import type { RunResults } from '../run/results.types';
import { createStatLookup } from '../run/stat.lookup';
import { evaluateThresholds, parseThreshold } from './thresholds';

describe('parseThreshold', () => {
  it('reads metric, stat, comparison and value in ms', () => {
    expect(parseThreshold('ttft.p99<800')).toEqual({
      expr: 'ttft.p99<800',
      metric: 'ttft',
      stat: 'p99',
      comparison: '<',
      value: 800,
    });
    expect(parseThreshold(' reply_total.p99.9 <= 2.5s ')).toMatchObject({
      stat: 'p99.9',
      comparison: '<=',
      value: 2500,
    });
    expect(parseThreshold('http_guest.max<250ms').value).toBe(250);
    expect(parseThreshold('errors.rate<1%').value).toBeCloseTo(0.01);
    expect(parseThreshold('iterations.count>=10')).toMatchObject({
      metric: 'iterations',
      comparison: '>=',
      value: 10,
    });
    expect(parseThreshold('late_starts.rate<0.05').metric).toBe('late_starts');
  });

  it('rejects bad syntax and unknown metrics or stats with the expression in the message', () => {
    expect(() => parseThreshold('ttft<800')).toThrow(/"ttft<800": expected/);
    expect(() => parseThreshold('ttft.p99=800')).toThrow(/expected/);
    expect(() => parseThreshold('tfft.p99<800')).toThrow(/unknown metric or stat "tfft.p99"/);
    expect(() => parseThreshold('ttft.p999<800')).toThrow(/unknown/);
    expect(() => parseThreshold('errors.p99<1')).toThrow(/unknown/);
    expect(() => parseThreshold('ttft.median<1')).toThrow(/unknown/);
  });
});

function fakeResults(over: Partial<RunResults> = {}): Omit<RunResults, 'thresholds'> {
  return {
    tool: 'aira-loadtest',
    version: 1,
    startedAt: '',
    endedAt: '',
    elapsedMs: 10_000,
    target: 'http://127.0.0.1:1',
    scenario: 'chat',
    mainMetric: 'ttft',
    model: { kind: 'open' },
    options: {},
    end: 'completed',
    iterations: {
      scheduled: 100,
      started: 100,
      completed: 100,
      ok: 95,
      failed: 5,
      aborted: 0,
      late: 20,
      queued: 0,
      skipped: 0,
    },
    metrics: {},
    errors: { count: 3, rate: 0.03, byKind: { http_500: 3 }, byMetric: {} },
    warnings: [],
    counters: { stream_resets: 0, stream_reconnects: 0, survey_polls: 0, flood_messages: 0, aborted_ops: 0 },
    timeline: [],
    ...over,
  };
}

describe('evaluateThresholds', () => {
  it('passes and fails against the run, any percentile from the histogram', () => {
    const rec = createRecorder();
    for (let i = 1; i <= 1000; i++) rec.ok('ttft', i);
    rec.fail('http_guest', 'http_500');
    rec.tick();
    const summary = rec.summary(10_000);
    const results = fakeResults({ metrics: summary.metrics, errors: summary.errors });
    const lookup = createStatLookup(results, rec);
    const outcome = evaluateThresholds(
      [
        'ttft.p99<1000',
        'ttft.p50<400',
        'ttft.p99.9<=1000',
        'ttft.max<1001',
        'errors.rate<0.01',
        'errors.count<5',
        'late_starts.rate<0.25',
        'iterations.fail_rate<0.1',
        'reply_total.p99<100',
      ].map(parseThreshold),
      lookup,
    );
    const byExpr = Object.fromEntries(outcome.map((r) => [r.threshold.expr, r]));
    expect(byExpr['ttft.p99<1000']).toMatchObject({ pass: true });
    expect(byExpr['ttft.p99<1000']!.actual).toBeCloseTo(990, -1);
    expect(byExpr['ttft.p50<400']).toMatchObject({ pass: false });
    expect(byExpr['ttft.p99.9<=1000']!.pass).toBe(true);
    expect(byExpr['ttft.max<1001']!.pass).toBe(true);
    // One failed op out of 1 op (ttft is a measurement, not an operation).
    expect(byExpr['errors.rate<0.01']).toMatchObject({ actual: 1, pass: false });
    expect(byExpr['errors.count<5']!.pass).toBe(true);
    expect(byExpr['late_starts.rate<0.25']).toMatchObject({ actual: 0.2, pass: true });
    expect(byExpr['iterations.fail_rate<0.1']).toMatchObject({ actual: 0.05, pass: true });
    // No data is a breach: a typo-free but silent metric must not pass a gate.
    expect(byExpr['reply_total.p99<100']).toMatchObject({ actual: null, pass: false });
  });
});
