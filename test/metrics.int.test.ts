import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetricContract } from '../observability/metric-names.parser';
import { createClient, eventually } from './harness/client';
import { repoRoot } from './harness/processes';
import { hasPrometheus, startPrometheus } from './harness/prometheus';
import { type Stack, startStack } from './harness/stack';

// Without the prometheus binary the test is skipped locally; CI installs it (Debian `prometheus`).
describe.skipIf(!hasPrometheus && !process.env.CI)('metrics as Prometheus scrapes them', () => {
  let stack: Stack;
  let prom: Awaited<ReturnType<typeof startPrometheus>>;
  beforeAll(async () => {
    stack = await startStack({ llm: { ttftMs: 20, itlMs: 5 } });
    prom = await startPrometheus([
      { job: 'gateway', url: `${stack.baseUrl}/metrics` },
      { job: 'chat', url: `http://127.0.0.1:${stack.chatWorkers[0]!.metricsPort}/metrics` },
      { job: 'writer', url: `http://127.0.0.1:${stack.writers[0]!.metricsPort}/metrics` },
    ]);
    // `up` is 1 only when Prometheus parsed the scrape (OpenMetrics, exemplars and all).
    await eventually(
      () => prom.query('up == 1'),
      (r) => r.length === 3,
    );
  });
  afterAll(async () => {
    await prom?.close();
    await stack?.stop();
  });

  it('move when a chat message flows through the stack', async () => {
    const sends =
      'sum(aira_http_requests_total{method="POST",route="/api/conversations/:id/messages",status="202"})';
    const ttft = 'sum(aira_reply_ttft_seconds_count)';
    const batches = 'sum(aira_writer_batch_duration_seconds_count)';
    const turns = 'sum(aira_writer_messages_total{kind="chat.turn",outcome="written"})';
    const before = {
      sends: await prom.scalar(sends),
      ttft: await prom.scalar(ttft),
      batches: await prom.scalar(batches),
      turns: await prom.scalar(turns),
    };

    const alice = await createClient(stack.baseUrl).guest();
    const conversationId = await alice.conversation();
    for (const content of ['First message', 'Second message']) {
      const { replyId } = await alice.send(conversationId, content);
      const { events } = await alice.stream(replyId);
      expect(events.at(-1)?.event).toBe('done');
    }
    await eventually(
      () =>
        stack.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute(),
      (rows) => rows.length === 4,
    );

    const after = await eventually(
      async () => ({
        sends: await prom.scalar(sends),
        ttft: await prom.scalar(ttft),
        batches: await prom.scalar(batches),
        turns: await prom.scalar(turns),
      }),
      (a) => a.sends >= before.sends + 2 && a.ttft >= before.ttft + 2 && a.turns >= before.turns + 2,
      10_000,
    );
    expect(after.sends - before.sends).toBe(2);
    expect(after.ttft - before.ttft).toBe(2);
    expect(after.turns - before.turns).toBe(2);
    expect(after.batches).toBeGreaterThan(before.batches);
  });

  it('report queue depth and age for the chat queue, the writes queue and its dead-letter queue', async () => {
    const depth = await prom.query('aira_queue_depth');
    const series = new Set(depth.map((s) => `${s.metric.queue}|${s.metric.transport}|${s.metric.state}`));
    for (const state of ['waiting', 'active', 'delayed', 'prioritized', 'failed']) {
      expect(series, state).toContain(`chat|bullmq|${state}`);
    }
    for (const queue of [stack.queues.name, stack.queues.dlqName]) {
      for (const state of ['visible', 'inflight']) expect(series).toContain(`${queue}|sqs|${state}`);
    }
    const age = await prom.query('aira_queue_oldest_age_seconds{queue="chat"}');
    expect(age.map((s) => s.metric.transport)).toEqual(['bullmq']);
    expect(age[0]!.value).toBeGreaterThanOrEqual(0);
  });

  it('export every metric in docs/METRICS.md that the gateway and workers own', async () => {
    const contract = parseMetricContract(readFileSync(resolve(repoRoot, 'docs/METRICS.md'), 'utf8'));
    const names = new Set(
      (await prom.query('count by (__name__) ({__name__=~"aira_.+"})')).map((s) => s.metric.__name__),
    );
    const missing = [...contract.metrics]
      // The autoscaler's own metrics come from the autoscaler process; the LLM simulator's
      // (llm_sim_*, vllm:*) are read from it in services/llm-sim/llm-sim.int.test.ts.
      .filter(([name]) => name.startsWith('aira_') && !name.startsWith('aira_autoscaler_'))
      .map(([name, type]) => (type === 'histogram' ? `${name}_count` : name))
      .filter((series) => !names.has(series));
    expect(missing).toEqual([]);
  });
});
