import { describe, expect, it } from 'vitest';
import { parseWorkerLine } from './worker.process';

describe('worker log lines', () => {
  it('reads readiness with the metrics URL', () => {
    const line = JSON.stringify({
      level: 30,
      msg: 'chat worker ready',
      metrics: 'http://127.0.0.1:4100/metrics',
    });
    expect(parseWorkerLine(line)).toEqual({ type: 'ready', metricsUrl: 'http://127.0.0.1:4100/metrics' });
    expect(parseWorkerLine(JSON.stringify({ msg: 'writer worker ready' }))).toEqual({
      type: 'ready',
      metricsUrl: undefined,
    });
  });

  it('reads the standby announcement and the BullMQ lock id', () => {
    expect(parseWorkerLine(JSON.stringify({ msg: 'chat worker standby' }))).toEqual({ type: 'standby' });
    expect(parseWorkerLine(JSON.stringify({ msg: 'chat worker job locks', bullmqWorkerId: 'u-1' }))).toEqual({
      type: 'lock-id',
      lockId: 'u-1',
    });
  });

  it('ignores other lines, including text that merely mentions readiness', () => {
    expect(parseWorkerLine('chat worker ready')).toBeUndefined();
    expect(parseWorkerLine('{"msg":"chat worker ready"')).toBeUndefined();
    expect(parseWorkerLine(JSON.stringify({ msg: 'job failed', err: 'chat worker ready' }))).toBeUndefined();
  });
});
