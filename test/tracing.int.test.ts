import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, eventually } from './harness/client';
import { CONSUMER, PRODUCER, traceOfOneMessage } from './harness/message.trace';
import { type ReceivedSpan, startOtlpReceiver } from './harness/otlp.receiver';
import { type SpawnedStack, startSpawnedStack } from './harness/spawned.stack';

const SERVER = 2;
const CLIENT = 3;

describe('one chat message is one trace', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let stack: SpawnedStack;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startSpawnedStack({
      database: 'mysql',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  }, 60_000);

  it('follows a message from the gateway through the chat worker and the LLM to the writer', async () => {
    const alice = await createClient(stack.baseUrl).guest();
    const { spans, batch } = await traceOfOneMessage(alice, receiver, 'Hello, trace me', {
      timeoutMs: 20_000,
    });
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (what: string, match: (s: ReceivedSpan) => boolean) => {
      const found = spans.filter(match);
      expect(found, what).not.toHaveLength(0);
      return found[0]!;
    };

    // Connected: one root (the gateway's server span), every other span's parent in the same trace.
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => [s.service, s.kind])).toEqual([['gateway', SERVER]]);
    for (const s of spans) if (s.parentSpanId) expect(byId.has(s.parentSpanId), s.name).toBe(true);

    const request = roots[0]!;
    expect(request.attributes['http.route']).toBe('/api/conversations/:id/messages');
    const enqueue = one('BullMQ add', (s) => s.service === 'gateway' && s.kind === PRODUCER);
    expect(enqueue.name).toMatch(/chat/);
    const job = one('job span', (s) => s.service === 'chat-worker' && s.kind === CONSUMER);
    expect(job.name).toMatch(/process chat/);
    expect(job.parentSpanId).toBe(enqueue.spanId);

    const llm = one('llm.chat', (s) => s.name === 'llm.chat');
    expect(llm.service).toBe('chat-worker');
    expect(llm.attributes['gen_ai.request.model']).toBe('aira-sim');
    expect(Number(llm.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
    expect(Number(llm.attributes['llm.ttft_ms'])).toBeGreaterThanOrEqual(0);
    // The OpenAI client's fetch, traced by the undici instrumentation, under the llm.chat span.
    const fetchSpan = one('LLM HTTP call', (s) => s.parentSpanId === llm.spanId && s.kind === CLIENT);
    expect(String(fetchSpan.attributes['url.full'])).toContain('/chat/completions');
    // Token batches and the final event appended to the reply stream inside the job, each by the
    // script that appends once (EVALSHA of a registered script), in the message's trace.
    const appends = spans.filter((s) => s.service === 'chat-worker' && s.name === 'evalsha');
    expect(appends.length, 'reply stream appends').toBeGreaterThan(1);
    const send = one('SQS send', (s) => s.service === 'chat-worker' && s.kind === PRODUCER);
    expect(send.name).toMatch(/send/);

    // The writer's batch starts its own trace and links to this one; the database work is its child.
    expect(batch.service).toBe('writer-worker');
    expect(batch.kind).toBe(CONSUMER);
    const underBatch = receiver.spans.filter((s) => s.traceId === batch.traceId);
    const transaction = underBatch.find((s) => s.name === 'writer.transaction');
    expect(transaction?.parentSpanId).toBe(batch.spanId);
    const statements = underBatch.filter(
      (s) => s.attributes['db.system'] === 'mysql' || s.attributes['db.system.name'] === 'mysql',
    );
    expect(
      statements.some(
        (s) =>
          s.kind === CLIENT &&
          /INSERT/i.test(String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? s.name)),
      ),
    ).toBe(true);
  });

  it('puts the trace id on responses and as exemplars on the latency histogram', async () => {
    // Any route will do; this one answers 401 without a session.
    const res = await fetch(`${stack.baseUrl}/api/me`);
    expect(res.status).toBe(401);
    await res.arrayBuffer();
    const traceId = res.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await eventually(
      async () => receiver.spans.some((s) => s.traceId === traceId && s.service === 'gateway'),
      Boolean,
    );
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const exemplars = [
      ...metrics.matchAll(
        /^aira_http_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="([0-9a-f]{32})"\}/gm,
      ),
    ].map((m) => m[1]);
    expect(exemplars).toContain(traceId);
  });
});
