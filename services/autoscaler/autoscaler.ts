import { join } from 'node:path';
import type { EntryName, Runtime } from '../../shared/process/entries';
import { readProviderState } from '../../shared/provider/provider.budget';
import { createRedis } from '../../shared/redis/connection';
import { redisKeys } from '../../shared/redis/keys';
import type { FleetName } from '../../shared/scaling/fleets.config';
import { createSqs, resolveWritesQueues } from '../../shared/sqs/sqs.client';
import type { Logger } from '../../shared/telemetry/logger';
import { createRegistry } from '../../shared/telemetry/metrics';
import { type AutoscalerConfig, fleetScaling, type ScalingOverrides } from './autoscaler.config';
import { startAutoscalerServer } from './autoscaler.http';
import { createAutoscalerMetrics } from './autoscaler.metrics';
import { createFleetController, type DecisionRecord, type FleetController } from './fleet.controller';
import { createJobLockReader } from './locks.bullmq';
import { createChatQueueReader, createWritesQueueReader } from './queue.readers';
import { createSupervisor, type Supervisor } from './supervisor';
import { createTargetsWriter } from './targets.file';
import { createProcessLauncher } from './worker.process';

/** How to run one fleet's workers. */
export interface FleetSpec {
  /** The worker's entry point. */
  readonly entry: EntryName;
  /** Compiled or through tsx; by default as this process runs. */
  readonly runtime?: Runtime;
  /** Environment of its processes, over this process's own; WORKER_ID and METRICS_PORT are set per worker. */
  readonly env?: Record<string, string | undefined>;
  /** Numbers that differ from shared/scaling/fleets.config.ts (after the AUTOSCALER_* bounds). */
  readonly scaling?: ScalingOverrides;
  /** Warm standby processes; defaults to AUTOSCALER_CHAT_STANDBY for chat and 0 for others. */
  readonly standby?: number;
}

export interface AutoscalerDeps {
  readonly config: AutoscalerConfig;
  readonly fleets: Partial<Record<FleetName, FleetSpec>>;
  readonly log: Logger;
  /** Where the workers' output lines go, each prefixed `[<worker id>] `; stdout by default. */
  readonly output?: (line: string) => void;
}

/** Aira's worker entries, with this process's environment. */
export function defaultFleets(
  env: Record<string, string | undefined> = process.env,
): Record<FleetName, FleetSpec> {
  return {
    chat: { entry: 'chat-worker', env },
    writer: { entry: 'writer-worker', env },
  };
}

/**
 * The writes queue URLs for every worker, looked up once here (creating the queues on an emulator)
 * instead of by each worker as it starts: a start under load is shorter by three SQS calls. When
 * the lookup fails the workers look the queues up themselves.
 */
async function writesQueueEnv(
  sqs: ReturnType<typeof createSqs>,
  config: AutoscalerConfig,
  log: Logger,
): Promise<Record<string, string>> {
  if (config.SQS_WRITES_QUEUE_URL && config.SQS_WRITES_DLQ_URL) return {};
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no answer in 5 s')), 5000).unref(),
  );
  try {
    const queues = await Promise.race([resolveWritesQueues(sqs, config), timeout]);
    return { SQS_WRITES_QUEUE_URL: queues.url, SQS_WRITES_DLQ_URL: queues.dlqUrl };
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'could not look up the writes queue; each worker will');
    return {};
  }
}

export type Autoscaler = Awaited<ReturnType<typeof startAutoscaler>>;

/**
 * Starts the local autoscaler: every AUTOSCALER_POLL_MS it reads each fleet's queue, applies the
 * scaling policy and starts or retires worker processes; it serves /metrics, /status and /healthz
 * and keeps Prometheus target files under AIRA_DATA_DIR. `stop()` retires every worker and waits
 * for them (each drains first).
 */
export async function startAutoscaler(deps: AutoscalerDeps) {
  const { config, log } = deps;
  const output = deps.output ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const names = (Object.keys(deps.fleets) as FleetName[]).filter((name) => deps.fleets[name]);
  const registry = createRegistry('autoscaler');
  const metrics = createAutoscalerMetrics(registry, names);
  const redis = createRedis(config.REDIS_URL, { name: 'autoscaler', log });
  const sqs = createSqs(config);
  const targets = createTargetsWriter({ dir: join(config.AIRA_DATA_DIR, 'prometheus', 'targets'), log });
  const restart = {
    baseMs: config.AUTOSCALER_RESTART_BASE_MS,
    maxMs: config.AUTOSCALER_RESTART_MAX_MS,
    crashLoopCrashes: config.AUTOSCALER_CRASHLOOP_CRASHES,
    windowMs: config.AUTOSCALER_CRASHLOOP_WINDOW_S * 1000,
  };
  const decisions: DecisionRecord[] = [];
  const sharedEnv = await writesQueueEnv(sqs, config, log);
  const fleets: { name: FleetName; supervisor: Supervisor; controller: FleetController }[] = [];

  const observe = (name: FleetName, supervisor: Supervisor) => {
    metrics.workers.set({ fleet: name }, supervisor.counts().running);
    const looping = supervisor.crashLooping().length > 0 || supervisor.standby().crashLoop;
    metrics.crashLoop.set({ fleet: name }, looping ? 1 : 0);
  };

  for (const name of names) {
    const spec = deps.fleets[name] as FleetSpec;
    const scaling = fleetScaling(config, name, spec.scaling);
    // Chat workers run as many jobs as the policy assumes, unless told otherwise.
    const env = {
      ...sharedEnv,
      ...(name === 'chat' && { CHAT_CONCURRENCY: String(scaling.concurrency) }),
      ...spec.env,
    };
    const supervisor: Supervisor = createSupervisor({
      fleet: name,
      launch: createProcessLauncher({ entry: spec.entry, env, output, runtime: spec.runtime }),
      drainDeadlineMs: scaling.drainDeadlineSeconds * 1000,
      killGraceMs: config.AUTOSCALER_KILL_GRACE_S * 1000,
      startTimeoutMs: config.AUTOSCALER_START_TIMEOUT_S * 1000,
      restart,
      standby: config.AUTOSCALER_DRY_RUN
        ? 0
        : (spec.standby ?? (name === 'chat' ? config.AUTOSCALER_CHAT_STANDBY : 0)),
      log,
      onChange: () => {
        observe(name, supervisor);
        void targets.update(name, supervisor.runningTargets());
      },
    });
    const locks =
      name === 'chat' ? createJobLockReader({ redis, prefix: config.AIRA_PREFIX, queue: 'chat' }) : undefined;
    const controller = createFleetController({
      name,
      scaling,
      readQueue:
        name === 'chat'
          ? createChatQueueReader({ redis, prefix: config.AIRA_PREFIX })
          : createWritesQueueReader({ sqs, config }),
      // The chat workers share the LLM provider's budget: the policy caps the fleet at what it serves.
      ...(name === 'chat' && {
        readProvider: () => readProviderState(redis, redisKeys(config.AIRA_PREFIX)),
      }),
      ...(locks && {
        readInFlight: async (workers) => {
          const held = await locks.read();
          return new Map(
            workers.filter((w) => w.lockId).map((w) => [w.id, held.get(w.lockId as string) ?? 0]),
          );
        },
      }),
      supervisor,
      dryRun: config.AUTOSCALER_DRY_RUN,
      metrics,
      log,
    });
    fleets.push({ name, supervisor, controller });
    await targets.update(name, []);
  }

  let stopped = false;
  const status = () => ({
    dryRun: config.AUTOSCALER_DRY_RUN,
    pollMs: config.AUTOSCALER_POLL_MS,
    fleets: fleets.map((f) => f.controller.status()),
    decisions: [...decisions],
  });
  const server = await startAutoscalerServer({
    registry,
    status,
    healthy: () => !stopped,
    port: config.AUTOSCALER_PORT,
    host: config.AUTOSCALER_HOST,
  });

  // One loop per fleet, so a slow SQS read never delays the chat fleet; ticks never overlap.
  const loops = fleets.map(({ name, supervisor, controller }) => {
    supervisor.start();
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    const done = (async () => {
      while (!stopped) {
        const began = Date.now();
        try {
          decisions.push(await controller.tick());
          if (decisions.length > 50) decisions.shift();
          observe(name, supervisor);
        } catch (error) {
          log.error({ err: error, fleet: name }, 'scaling tick failed');
        }
        if (stopped) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, Math.max(0, config.AUTOSCALER_POLL_MS - (Date.now() - began)));
        });
      }
    })();
    return {
      done,
      wake: () => {
        clearTimeout(timer);
        wake?.();
      },
    };
  });
  log.info(
    { url: server.url, fleets: names, dryRun: config.AUTOSCALER_DRY_RUN, pollMs: config.AUTOSCALER_POLL_MS },
    'autoscaler ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    url: server.url,
    registry,
    status,
    /** Stops deciding, retires every worker (each drains up to its deadline), then closes. Safe to call twice. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        stopped = true;
        for (const loop of loops) loop.wake();
        await Promise.all(loops.map((loop) => loop.done));
        log.info(
          { workers: fleets.map((f) => f.supervisor.counts()) },
          'autoscaler stopping; retiring workers',
        );
        await Promise.all(fleets.map((f) => f.supervisor.stop()));
        await Promise.all(fleets.map((f) => targets.update(f.name, [])));
        await server.close();
        await redis.quit().catch(() => redis.disconnect());
        sqs.destroy();
        log.info('autoscaler stopped');
      })();
      return stopping;
    },
  };
}
