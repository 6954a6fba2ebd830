import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Clock } from '../engine/clock';
import { HOP_METRICS } from '../metrics/metric.names';
import type { Recorder } from '../metrics/metrics.recorder';
import { errorKind, type HttpClient, OpError } from './http.client';

const Done = Type.Object({
  finishReason: Type.Optional(Type.String()),
  usage: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  timings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export interface ReadReplyArgs {
  readonly path: string;
  readonly token: string;
  /** When the message POST was sent (or due): ttft and the reply total count from here. */
  readonly sentAt: number;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

export interface ReplyDeps {
  readonly http: HttpClient;
  readonly rec: Recorder;
  readonly clock: Clock;
}

// A dropped connection is resumed with Last-Event-ID, as a browser's EventSource would.
const MAX_RECONNECTS = 3;
// How long a response may stay open after its final event before the tool stops reading it.
const LINGER_MS = 1000;

/**
 * Reads one streamed reply to its end and records ttft, inter-token gaps, tokens per second, the
 * server's per-hop timings and the reply total. Throws an OpError when the reply does not finish.
 */
export async function readReply(deps: ReplyDeps, args: ReadReplyArgs): Promise<void> {
  const { rec, clock } = deps;
  // One controller per reply (not AbortSignal.any on the run-wide signal, which piles up
  // listeners over thousands of replies): the run ending, the stream timeout, or lingering.
  const local = new AbortController();
  let timedOut = false;
  const onRunAbort = () => local.abort(args.signal.reason);
  args.signal.addEventListener('abort', onRunAbort, { once: true });
  const timeout = setTimeout(() => {
    timedOut = true;
    local.abort(new DOMException('stream timeout', 'TimeoutError'));
  }, args.timeoutMs);
  let linger: NodeJS.Timeout | undefined;
  let firstAt: number | undefined;
  let lastTokenAt = 0;
  let tokenEvents = 0;
  let lastId: string | undefined;
  let terminal: { event: string; data: string; at: number } | undefined;
  let chunkAt = 0;

  const onEvent = (ev: EventSourceMessage) => {
    if (ev.id !== undefined) lastId = ev.id;
    if (ev.event === 'token') {
      if (firstAt === undefined) {
        firstAt = chunkAt;
        rec.ok('ttft', chunkAt - args.sentAt);
      } else {
        rec.ok('inter_token', chunkAt - lastTokenAt);
      }
      lastTokenAt = chunkAt;
      tokenEvents++;
    } else if (ev.event === 'reset') {
      // The reply restarted (a retried job): what was shown is replaced, timing goes on.
      rec.count('stream_resets');
    } else if ((ev.event === 'done' || ev.event === 'cancelled' || ev.event === 'error') && !terminal) {
      terminal = { event: ev.event, data: ev.data, at: chunkAt };
      // The reply is over; a server that keeps the response open gets a moment, then is left.
      linger = setTimeout(() => local.abort(), LINGER_MS);
    }
  };

  const parser = createParser({ onEvent });
  try {
    for (let attempt = 0; terminal === undefined; attempt++) {
      if (attempt > MAX_RECONNECTS) throw new OpError('stream_incomplete', 'stream ended without done');
      if (attempt > 0) rec.count('stream_reconnects');
      try {
        await readOnce(deps.http, args, lastId, local.signal, (text) => {
          chunkAt = clock.now();
          parser.feed(text);
        });
      } catch (err) {
        // After the final event nothing that happens to the connection matters.
        if (terminal) break;
        if (timedOut || errorKind(err, args.signal) !== 'network') throw err;
      }
      parser.reset();
    }
  } catch (err) {
    const kind = timedOut && !args.signal.aborted ? 'timeout' : errorKind(err, args.signal);
    if (kind === 'aborted') rec.count('aborted_ops');
    else rec.fail('reply_total', kind);
    throw err;
  } finally {
    clearTimeout(timeout);
    clearTimeout(linger);
    args.signal.removeEventListener('abort', onRunAbort);
  }

  if (terminal.event !== 'done') {
    const kind = terminal.event === 'error' ? 'sse_error' : 'sse_cancelled';
    rec.fail('reply_total', kind);
    throw new OpError(kind, `reply ended with ${terminal.event}`);
  }
  rec.ok('reply_total', terminal.at - args.sentAt);
  recordDone(rec, terminal.data, firstAt, terminal.at, tokenEvents);
}

async function readOnce(
  http: HttpClient,
  args: ReadReplyArgs,
  lastId: string | undefined,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<void> {
  const res = await http.stream(args.path, args.token, lastId, signal);
  if (res.status !== 200) {
    await res.body.dump();
    throw new OpError(`http_${res.status}`, `GET ${args.path} → ${res.status}`);
  }
  const decoder = new TextDecoder();
  for await (const chunk of res.body) onText(decoder.decode(chunk, { stream: true }));
}

function recordDone(
  rec: Recorder,
  data: string,
  firstAt: number | undefined,
  doneAt: number,
  events: number,
) {
  let done: unknown;
  try {
    done = JSON.parse(data);
  } catch {
    return;
  }
  if (!Value.Check(Done, done)) return;
  const usage = done.usage ?? {};
  const tokens = numberOf(usage.completionTokens) ?? numberOf(usage.completion_tokens) ?? events;
  if (firstAt !== undefined && doneAt > firstAt && tokens > 0) {
    rec.ok('tokens_per_second', tokens / ((doneAt - firstAt) / 1000));
  }
  const timings = done.timings ?? {};
  for (const [field, metric] of Object.entries(HOP_METRICS)) {
    const ms = numberOf(timings[field]);
    if (ms !== undefined) rec.ok(metric, ms);
  }
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
