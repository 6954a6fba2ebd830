import { describe, expect, it } from 'vitest';
import { createRecorder } from '../metrics/metrics.recorder';
import { createVirtualClock } from '../testing/virtual.clock';
import type { HttpClient, StreamResponse } from './http.client';
import { readReply } from './reply.stream';

type Chunk = { at: number; text: string };

/** A stream server whose chunks arrive at given virtual times; one script per connection. */
function fakeHttp(clock: ReturnType<typeof createVirtualClock>, connections: Chunk[][]) {
  const lastIds: (string | undefined)[] = [];
  const http: Pick<HttpClient, 'stream'> = {
    async stream(_path, _token, lastEventId) {
      lastIds.push(lastEventId);
      const chunks = connections.shift() ?? [];
      async function* body() {
        for (const c of chunks) {
          clock.set(c.at);
          yield Buffer.from(c.text);
        }
      }
      const it = body();
      return { status: 200, body: Object.assign(it, { dump: async () => {} }) } as unknown as StreamResponse;
    },
  };
  return { http: http as HttpClient, lastIds };
}

const ev = (id: number, event: string, data: unknown) =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

describe('readReply', () => {
  it('measures ttft and the reply total from when the message was sent, and records server timings', async () => {
    const clock = createVirtualClock(1000);
    const rec = createRecorder();
    const { http } = fakeHttp(clock, [
      [
        { at: 1250, text: ev(1, 'token', { text: 'Hel' }) },
        { at: 1270, text: ev(2, 'token', { text: 'lo' }) + ev(3, 'token', { text: '!' }) },
        { at: 1300, text: `${ev(4, 'token', { text: ' ' })}id: 5\nevent: do` },
        {
          at: 1310,
          text: `ne\ndata: ${JSON.stringify({ finishReason: 'stop', usage: { completionTokens: 6 }, timings: { queueWaitMs: 12, pickupMs: 3, llmFirstTokenMs: 180 } })}\n\n`,
        },
      ],
    ]);
    await readReply(
      { http, rec, clock },
      { path: '/r', token: 't', sentAt: 1000, signal: new AbortController().signal, timeoutMs: 5000 },
    );
    const { metrics } = rec.summary(1000);
    expect(metrics.ttft).toMatchObject({ count: 1 });
    expect(metrics.ttft!.p50).toBeCloseTo(250, 0);
    expect(metrics.reply_total!.p50).toBeCloseTo(310, 0);
    // Gaps between token events: 20 ms, 0 ms (same chunk), 30 ms.
    expect(metrics.inter_token!.count).toBe(3);
    expect(metrics.inter_token!.max).toBeCloseTo(30, 0);
    // 6 completion tokens between the first token (1250) and done (1310).
    expect(metrics.tokens_per_second!.p50).toBeCloseTo(100, 0);
    expect(metrics.hop_queue_wait!.p50).toBeCloseTo(12, 1);
    expect(metrics.hop_llm_first_token!.p50).toBeCloseTo(180, 0);
    expect(metrics.hop_relay).toBeUndefined();
  });

  it('resumes a dropped stream with Last-Event-ID and counts resets', async () => {
    const clock = createVirtualClock(0);
    const rec = createRecorder();
    const { http, lastIds } = fakeHttp(clock, [
      [{ at: 100, text: ev(1, 'token', { text: 'a' }) + ev(2, 'reset', {}) }],
      [{ at: 150, text: ev(3, 'token', { text: 'b' }) + ev(4, 'done', { finishReason: 'stop' }) }],
    ]);
    await readReply(
      { http, rec, clock },
      { path: '/r', token: 't', sentAt: 0, signal: new AbortController().signal, timeoutMs: 5000 },
    );
    expect(lastIds).toEqual([undefined, '2']);
    expect(rec.counters()).toMatchObject({ stream_reconnects: 1, stream_resets: 1 });
    expect(rec.summary(1000).metrics.reply_total).toMatchObject({ count: 1, failures: 0 });
  });

  it('fails the reply on an error event, and on a stream that never finishes', async () => {
    const clock = createVirtualClock(0);
    const rec = createRecorder();
    const signal = new AbortController().signal;
    const errored = fakeHttp(clock, [
      [{ at: 10, text: ev(1, 'token', {}) + ev(2, 'error', { code: 'llm' }) }],
    ]);
    await expect(
      readReply(
        { http: errored.http, rec, clock },
        { path: '/r', token: 't', sentAt: 0, signal, timeoutMs: 5000 },
      ),
    ).rejects.toMatchObject({ kind: 'sse_error' });
    const silent = fakeHttp(clock, [[], [], [], []]);
    await expect(
      readReply(
        { http: silent.http, rec, clock },
        { path: '/r', token: 't', sentAt: 0, signal, timeoutMs: 5000 },
      ),
    ).rejects.toMatchObject({ kind: 'stream_incomplete' });
    expect(rec.summary(1000).errors.byKind).toEqual({ sse_error: 1, stream_incomplete: 1 });
  });

  it('times a silent stream out, and stops reading a stream left open after done', async () => {
    const clock = createVirtualClock(0);
    const rec = createRecorder();
    /** A response that sends `text` and then stays open until the reader gives up. */
    const hanging = (text: string): HttpClient =>
      ({
        async stream(_p: string, _t: string, _l: string | undefined, signal: AbortSignal) {
          async function* body() {
            if (text) yield Buffer.from(text);
            await new Promise((_, reject) => {
              if (signal.aborted) reject(signal.reason);
              signal.addEventListener('abort', () => reject(signal.reason));
            });
          }
          return { status: 200, body: Object.assign(body(), { dump: async () => {} }) };
        },
      }) as unknown as HttpClient;
    const signal = new AbortController().signal;
    await expect(
      readReply(
        { http: hanging(''), rec, clock },
        { path: '/r', token: 't', sentAt: 0, signal, timeoutMs: 50 },
      ),
    ).rejects.toBeDefined();
    expect(rec.summary(1000).errors.byKind).toEqual({ timeout: 1 });

    const started = Date.now();
    await readReply(
      { http: hanging(ev(1, 'token', {}) + ev(2, 'done', { finishReason: 'stop' })), rec, clock },
      { path: '/r', token: 't', sentAt: 0, signal, timeoutMs: 30_000 },
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(rec.summary(1000).metrics.reply_total).toMatchObject({ count: 2, failures: 1 });
  });

  it('counts a run that ends mid-stream as aborted, not as an error', async () => {
    const clock = createVirtualClock(0);
    const rec = createRecorder();
    const run = new AbortController();
    const http = {
      async stream(_p: string, _t: string, _l: string | undefined, signal: AbortSignal) {
        async function* body() {
          yield Buffer.from(ev(1, 'token', {}));
          run.abort();
          await new Promise((_, reject) => {
            if (signal.aborted) reject(signal.reason);
            signal.addEventListener('abort', () => reject(signal.reason));
          });
        }
        return { status: 200, body: Object.assign(body(), { dump: async () => {} }) };
      },
    } as unknown as HttpClient;
    await expect(
      readReply(
        { http, rec, clock },
        { path: '/r', token: 't', sentAt: 0, signal: run.signal, timeoutMs: 5000 },
      ),
    ).rejects.toBeDefined();
    expect(rec.summary(1000).errors.count).toBe(0);
    expect(rec.counters().aborted_ops).toBe(1);
  });
});
