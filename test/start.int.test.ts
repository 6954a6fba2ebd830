import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime } from '../scripts/build';
import { exitCodes } from '../shared/process/run.process';
import { createClient, eventually } from './harness/client';
import { type Launcher, startLauncher } from './harness/launcher';
import { CONSUMER, PRODUCER, traceOfOneMessage } from './harness/message.trace';
import { type ReceivedSpan, startOtlpReceiver } from './harness/otlp.receiver';
import { portIsFree } from './harness/ports';
import { descendantsOf, isRunning, processesWithEnv } from './harness/process.tree';

const SERVER = 2;

interface Status {
  fleets: { name: string; workers: { metricsUrl: string | null; state: string }[] }[];
}

// `npm start` runs the compiled processes (npm run build).
beforeAll(() => buildRuntime(), 120_000);

// `npm start` itself: the compiled launcher, with every process it starts.
describe('npm start', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let launcher: Launcher;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    launcher = await startLauncher({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
      // Its own redis-server too, so the whole stack is the launcher's.
      ownRedis: true,
    });
  }, 180_000);
  afterAll(async () => {
    // Whatever a failed case left running is not left behind.
    for (const pid of [launcher?.pid, ...processesWithEnv(launcher?.marker ?? '-')]) {
      if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
    await launcher?.cleanup();
    await receiver?.close();
  }, 60_000);

  it('traces one chat message through every process as one connected trace', async () => {
    const alice = await createClient(launcher.baseUrl).guest();
    const { traceId, spans, batch } = await traceOfOneMessage(
      alice,
      receiver,
      'Hello, trace me through npm start',
      { also: (spans) => spans.some((s) => s.name === 'llm.chat'), timeoutMs: 30_000 },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (what: string, match: (s: ReceivedSpan) => boolean) => {
      const found = spans.find(match);
      expect(found, what).toBeDefined();
      return found as ReceivedSpan;
    };
    // One root, the gateway's request; every other span's parent in the same trace.
    expect(spans.filter((s) => !s.parentSpanId).map((s) => [s.service, s.kind])).toEqual([
      ['gateway', SERVER],
    ]);
    for (const s of spans) if (s.parentSpanId) expect(byId.has(s.parentSpanId), s.name).toBe(true);
    const enqueue = one('BullMQ add', (s) => s.service === 'gateway' && s.kind === PRODUCER);
    const job = one('the chat job', (s) => s.service === 'chat-worker' && s.kind === CONSUMER);
    expect(job.parentSpanId).toBe(enqueue.spanId);
    const llm = one('the LLM call', (s) => s.name === 'llm.chat');
    expect(llm.attributes['gen_ai.request.model']).toBe('aira-sim');
    expect(Number(llm.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    expect(Number(llm.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
    one('the SQS send', (s) => s.service === 'chat-worker' && s.kind === PRODUCER && /send/.test(s.name));
    // The writer's batch is a trace of its own, linked to this message's.
    expect(batch.service).toBe('writer-worker');
    // Every process of the stack on the message's path, the LLM simulator's side of the call included.
    expect(new Set([...spans.map((s) => s.service), batch.service])).toEqual(
      new Set(['gateway', 'chat-worker', 'llm-sim', 'writer-worker']),
    );
    const simulator = one(
      'the simulator serving the call',
      (s) => s.service === 'llm-sim' && s.kind === SERVER,
    );
    expect(byId.get(simulator.parentSpanId)?.service).toBe('chat-worker');

    // The workers' latency histograms carry the trace id as an exemplar, as the gateway's do: the
    // chat worker's the message's, the writer's its batch's.
    const status = (await (
      await fetch(`http://127.0.0.1:${launcher.ports.AUTOSCALER_PORT}/status`)
    ).json()) as Status;
    const metricsOf = async (fleet: string) => {
      const urls = status.fleets
        .find((f) => f.name === fleet)
        ?.workers.flatMap((w) => (w.metricsUrl ? [w.metricsUrl] : []));
      expect(urls?.length, fleet).toBeGreaterThan(0);
      return (await Promise.all((urls ?? []).map(async (url) => (await fetch(url)).text()))).join('\n');
    };
    const exemplar = (histogram: string, id: string) =>
      new RegExp(`^${histogram}_bucket\\{[^}]*\\} \\d+ # \\{trace_id="${id}"\\}`, 'm');
    const chatMetrics = await metricsOf('chat');
    for (const histogram of ['aira_reply_ttft_seconds', 'aira_job_duration_seconds']) {
      expect(chatMetrics, histogram).toMatch(exemplar(histogram, traceId));
    }
    expect(await metricsOf('writer')).toMatch(exemplar('aira_writer_batch_duration_seconds', batch.traceId));
  });

  it('leaves nothing running after its process group is killed', async () => {
    const started = descendantsOf(launcher.pid);
    // redis-server, the LLM simulator, a chat worker, its standby, a writer and the gateway, at least.
    expect(started.length).toBeGreaterThanOrEqual(6);
    const ports = [
      launcher.ports.LOCAL_REDIS_PORT,
      launcher.ports.PORT,
      launcher.ports.LLM_SIM_PORT,
      launcher.ports.SQS_EMULATOR_PORT,
      launcher.ports.AUTOSCALER_PORT,
    ];
    for (const port of ports) expect(await portIsFree(port as number), `port ${port} in use`).toBe(false);

    process.kill(-launcher.pid, 'SIGKILL');
    expect(await launcher.exited).toBe('SIGKILL');
    const left = await eventually(
      async () => [...new Set([...started, ...processesWithEnv(launcher.marker)])].filter(isRunning),
      (pids) => pids.length === 0,
      10_000,
    );
    expect(left).toEqual([]);
    for (const port of ports)
      expect(await portIsFree(port as number), `port ${port} still in use`).toBe(true);
  });
});

describe('npm start with a port taken', () => {
  const cases: { variable: string; env?: (port: number) => Record<string, string> }[] = [
    { variable: 'PORT' },
    { variable: 'LLM_SIM_PORT' },
    { variable: 'SQS_EMULATOR_PORT' },
    { variable: 'AUTOSCALER_PORT' },
    { variable: 'WRITER_METRICS_PORT_BASE' },
    { variable: 'CHAT_METRICS_PORT_BASE', env: () => ({ AUTOSCALE: 'false' }) },
    // No Redis answers at REDIS_URL (what holds the port never replies), so one would be started there.
    { variable: 'LOCAL_REDIS_PORT', env: (port) => ({ REDIS_URL: `redis://127.0.0.1:${port}` }) },
  ];
  it.each(cases)(
    'refuses to start when $variable is taken, and starts nothing',
    async ({ variable, env }) => {
      const squatter: Server = createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
      const port = (squatter.address() as { port: number }).port;
      const launcher = await startLauncher({
        env: { [variable]: String(port), ...env?.(port) },
        ready: false,
      });
      try {
        const code = await launcher.exited;
        expect(code).not.toBe(0);
        expect(code).toBe(exitCodes.config);
        const lines = launcher.output().trim().split('\n');
        expect(lines).toEqual([`configuration error: port ${port} is taken: set ${variable} to use another`]);
        expect(processesWithEnv(launcher.marker)).toEqual([]);
      } finally {
        squatter.close();
        await launcher.cleanup();
      }
    },
  );
});
