import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import type { ProviderState } from '../../shared/provider/provider.budget';
import { type FleetScaling, fleets } from '../../shared/scaling/fleets.config';
import { createAutoscalerMetrics } from './autoscaler.metrics';
import { createFleetController, measuredStartupSeconds } from './fleet.controller';
import type { QueueReading } from './queue.readers';
import type { Supervisor, WorkerStatus } from './supervisor';

/** The numbers these cases were worked out with (production's are in fleets.config and may change). */
const chat: FleetScaling = { ...fleets.chat, concurrency: 16, targetBacklogPerWorker: 16 };

const reading = (backlog: number, oldestAgeSeconds: number | null = null): QueueReading => ({
  backlog,
  oldestAgeSeconds,
  depth: [{ queue: 'chat', transport: 'bullmq', state: 'waiting', value: backlog }],
  age: [{ queue: 'chat', transport: 'bullmq', value: oldestAgeSeconds ?? 0 }],
});

const worker = (id: string, startedAt: string, readyAt: string | null): WorkerStatus => ({
  id,
  pid: 1,
  state: readyAt ? 'running' : 'starting',
  metricsUrl: null,
  startedAt,
  readyAt,
  startupMs: readyAt ? Date.parse(readyAt) - Date.parse(startedAt) : null,
  fromStandby: false,
  restarts: 0,
  restartAt: null,
  crashLoop: false,
  lockId: null,
});

function setup(opts: {
  dryRun?: boolean;
  current?: number;
  read: () => Promise<QueueReading>;
  workers?: WorkerStatus[];
  readProvider?: () => Promise<ProviderState>;
}) {
  let current = opts.current ?? 1;
  const scaleTo = vi.fn((desired: number) => {
    const started = Array.from(
      { length: Math.max(0, desired - current) },
      (_, i) => `chat-${current + i + 1}`,
    );
    current = desired;
    return { started, retired: [] };
  });
  const supervisor = {
    counts: () => ({ current, starting: 0, running: current, retiring: 0 }),
    scaleTo,
    workers: () => opts.workers ?? [],
    standby: () => ({ wanted: 0, ready: 0, starting: 0, crashLoop: false }),
    crashLooping: () => [],
  } as unknown as Supervisor;
  const logs: Record<string, unknown>[] = [];
  const registry = new Registry();
  const readInFlight = vi.fn(async () => new Map([['chat-1', 2]]));
  const controller = createFleetController({
    name: 'chat',
    scaling: { ...chat, scaleDownWindowSeconds: 0 },
    readQueue: opts.read,
    readInFlight,
    ...(opts.readProvider && { readProvider: opts.readProvider }),
    supervisor,
    dryRun: opts.dryRun ?? false,
    metrics: createAutoscalerMetrics(registry, ['chat']),
    log: pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
  });
  return { controller, scaleTo, readInFlight, logs, registry };
}

describe('measuredStartupSeconds', () => {
  it('is how long the newest worker to come up took, or undefined before any did', () => {
    expect(measuredStartupSeconds([])).toBeUndefined();
    expect(
      measuredStartupSeconds([
        worker('chat-1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.500Z'),
        worker('chat-2', '2026-01-01T00:01:00.000Z', '2026-01-01T00:01:00.400Z'),
        worker('chat-3', '2026-01-01T00:02:00.000Z', null),
      ]),
    ).toBe(0.4);
  });
});

describe('fleet controller', () => {
  it('gives the policy the flow the reader saw and the measured start-up, and logs them', async () => {
    const { controller, logs } = setup({
      current: 2,
      workers: [worker('chat-1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.500Z')],
      read: async () => ({ ...reading(40), active: 24, arrivalsPerSecond: 9, completionsPerSecond: 8 }),
    });
    const record = await controller.tick();
    expect(record.inputs).toMatchObject({
      active: 24,
      arrivalsPerSecond: 9,
      completionsPerSecond: 8,
      startupSeconds: 1.5,
    });
    expect(logs[0]).toMatchObject({ inputs: { arrivalsPerSecond: 9, startupSeconds: 1.5 } });
    // One reading is too few finished jobs for a service time: the flow rule waits for more.
    expect(record.reason).not.toContain('arrivals');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let later = record;
      for (let i = 0; i < 6; i++) {
        vi.setSystemTime(Date.now() + 5000);
        later = await controller.tick();
      }
      // 24 in service, 8 finishing a second: 3 s each; 9/s × 3 s = 27, + √27: 33 slots, 3 workers of 16.
      expect(later.reason).toContain('arrivals 9/s, × 3 s per job want 3');
    } finally {
      vi.useRealTimers();
    }
  });

  it('acts on a decision and logs it as one line with inputs, clamps and reason', async () => {
    const { controller, scaleTo, logs, registry } = setup({
      read: async () => reading(200, 7.25),
      current: 2,
    });
    const record = await controller.tick();
    expect(scaleTo).toHaveBeenCalledWith(6, undefined);
    expect(record).toMatchObject({
      desired: 6,
      rawDesired: 13,
      direction: 'up',
      started: ['chat-3', 'chat-4', 'chat-5', 'chat-6'],
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      msg: 'scaling decision',
      fleet: 'chat',
      inputs: { backlog: 200, oldestAgeSeconds: 7.25, current: 2, starting: 0, metricError: null },
      rawDesired: 13,
      clamps: [{ kind: 'stepUp', from: 13, to: 6 }],
      desired: 6,
      direction: 'up',
    });
    expect(String(logs[0]!.reason)).toMatch(/scale up from 2 to 6 workers/);
    const text = await registry.metrics();
    expect(text).toMatch(/aira_autoscaler_desired_workers\{fleet="chat"\} 6/);
    expect(text).toMatch(/aira_autoscaler_decisions_total\{fleet="chat",direction="up"\} 1/);
    expect(text).toMatch(/aira_autoscaler_backlog\{fleet="chat"\} 200/);
    expect(text).toMatch(/aira_autoscaler_queue_age_seconds\{fleet="chat"\} 7.25/);
  });

  it('asks who is busy before scaling down, and passes it on', async () => {
    const { controller, scaleTo, readInFlight } = setup({ read: async () => reading(0), current: 3 });
    await controller.tick();
    await controller.tick();
    expect(readInFlight).toHaveBeenCalled();
    expect(scaleTo).toHaveBeenCalledWith(2, new Map([['chat-1', 2]]));
  });

  it('holds when the queue cannot be read, and says why', async () => {
    const { controller, scaleTo, logs } = setup({
      read: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      current: 3,
    });
    const record = await controller.tick();
    expect(record).toMatchObject({ direction: 'hold', desired: 3, inputs: { metricError: /ECONNREFUSED/ } });
    expect(scaleTo).not.toHaveBeenCalled();
    expect(logs[0]).toMatchObject({ level: 40, clamps: [{ kind: 'hold-on-error' }] });
  });

  it('in a dry run decides and logs but starts nothing, carrying its own count forward', async () => {
    const { controller, scaleTo, logs } = setup({ read: async () => reading(64), dryRun: true });
    const first = await controller.tick();
    const second = await controller.tick();
    expect(scaleTo).not.toHaveBeenCalled();
    expect([first.inputs.current, first.desired, second.inputs.current, second.desired]).toEqual([
      1, 4, 4, 4,
    ]);
    expect(logs.map((l) => l.dryRun)).toEqual([true, true]);
    expect(controller.status()).toMatchObject({ name: 'chat', desired: 4, lastDecision: { dryRun: true } });
  });
});

describe('a fleet sharing a provider budget', () => {
  const spent: ProviderState = {
    requestsPerMinute: 20,
    tokensPerMinute: null,
    requestsLeft: 0,
    tokensLeft: null,
    tokensPerCall: 600,
    inFlight: 2,
    waiting: 30,
    pausedUntil: null,
  };

  it('adds no worker while calls wait for the budget, and its status says the provider is the limit', async () => {
    const { controller, scaleTo } = setup({
      current: 2,
      read: async () => ({ ...reading(300, 9), active: 32 }),
      readProvider: async () => spent,
    });
    const record = await controller.tick();
    expect(record.desired).toBe(2);
    expect(scaleTo).not.toHaveBeenCalled();
    expect(record.reason).toContain('provider budget: 20 requests/min; 2 workers already use it');
    expect(record.inputs.provider).toEqual(spent);
    expect(controller.status().provider).toMatchObject({
      limiting: true,
      waiting: 30,
      inFlight: 2,
      requestsPerMinute: 20,
      reason:
        "30 calls waiting for the provider's budget (20 requests/min, 0 left); provider budget: 20 requests/min; 2 workers already use it.",
    });
  });

  it('grows as before when the budget has room, and says the provider is not the limit', async () => {
    const { controller } = setup({
      current: 2,
      read: async () => reading(300, 9),
      readProvider: async () => ({ ...spent, requestsLeft: 12, waiting: 0 }),
    });
    expect((await controller.tick()).desired).toBe(6);
    expect(controller.status().provider).toMatchObject({ limiting: false, pausedUntil: null });
  });

  it('scales on the queue alone when the budget cannot be read', async () => {
    const { controller, logs } = setup({
      current: 2,
      read: async () => reading(300, 9),
      readProvider: async () => {
        throw new Error('NOSCRIPT');
      },
    });
    expect((await controller.tick()).desired).toBe(6);
    expect(controller.status().provider).toBeNull();
    expect(logs.some((l) => l.msg === 'could not read the provider budget')).toBe(true);
  });
});
