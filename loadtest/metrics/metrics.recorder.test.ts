import { describe, expect, it } from 'vitest';
import { createRecorder } from './metrics.recorder';

describe('createRecorder', () => {
  it('reports each second separately and the whole run in the summary', () => {
    const rec = createRecorder();
    for (let i = 0; i < 99; i++) rec.ok('http_guest', 10);
    rec.ok('http_guest', 500);
    const first = rec.tick();
    expect(first.metrics.http_guest).toMatchObject({ count: 100, failures: 0 });
    expect(first.metrics.http_guest!.p50).toBeCloseTo(10, 1);
    expect(first.metrics.http_guest!.p99).toBeCloseTo(10, 1);
    expect(first.ops).toBe(100);

    rec.ok('http_guest', 20);
    rec.fail('http_guest', 'http_503');
    rec.fail('http_guest', 'timeout');
    const second = rec.tick();
    expect(second.metrics.http_guest).toMatchObject({ count: 3, failures: 2 });
    expect(second.errors).toBe(2);
    expect(rec.tick().metrics.http_guest).toBeUndefined();

    const { metrics, errors } = rec.summary(2000);
    expect(metrics.http_guest).toMatchObject({ count: 103, failures: 2, rate: 51.5 });
    expect(metrics.http_guest!.max).toBeCloseTo(500, 0);
    expect(metrics.http_guest!.p50).toBeCloseTo(10, 1);
    expect(errors).toMatchObject({ count: 2, byKind: { http_503: 1, timeout: 1 } });
    expect(errors.rate).toBeCloseTo(2 / 103);
  });

  it('keeps sub-millisecond precision and leaves measurements out of the error rate', () => {
    const rec = createRecorder();
    rec.ok('http_request', 0.25);
    rec.ok('ttft', 100);
    rec.fail('iteration', 'failed');
    const { metrics, errors } = rec.summary(1000);
    expect(metrics.http_request!.p50).toBeCloseTo(0.25, 3);
    expect(metrics.iteration).toMatchObject({ count: 1, failures: 1 });
    expect(errors).toMatchObject({ count: 0, rate: 0, byKind: {} });
  });

  it('answers any percentile over the run and counts counters', () => {
    const rec = createRecorder();
    for (let i = 1; i <= 100; i++) rec.ok('reply_total', i);
    rec.tick();
    rec.ok('reply_total', 1000);
    expect(rec.quantile('reply_total', 50)).toBeCloseTo(51, 0);
    expect(rec.quantile('reply_total', 100)).toBeCloseTo(1000, -1);
    expect(rec.quantile('ttft', 50)).toBeNull();
    rec.count('stream_resets');
    rec.count('flood_messages', 10);
    expect(rec.counters()).toMatchObject({ stream_resets: 1, flood_messages: 10 });
  });
});

describe('handle', () => {
  it('records into the same metric as ok/fail', () => {
    const rec = createRecorder();
    const h = rec.handle('http_request');
    h.ok(2);
    h.ok(4);
    h.fail('http_500');
    rec.ok('http_request', 6);
    const interval = rec.tick();
    expect(interval).toMatchObject({ ops: 4, errors: 1 });
    expect(rec.summary(1000).metrics.http_request).toMatchObject({ count: 4, failures: 1 });
  });
});
