import type { ProviderState } from '../../shared/provider/provider.budget';
import type { FleetName, FleetScaling } from '../../shared/scaling/fleets.config';
import { type Decision, decide, rememberDecision } from '../../shared/scaling/policy';
import type { Logger } from '../../shared/telemetry/logger';
import type { AutoscalerMetrics } from './autoscaler.metrics';
import { type ProviderView, providerInput, viewProvider } from './provider.view';
import type { ReadQueue } from './queue.readers';
import type { Retirement, Supervisor, WorkerStatus } from './supervisor';

/** One decision with what it saw and what was done about it: a `/status` entry and a log line. */
export interface DecisionRecord {
  readonly fleet: FleetName;
  readonly at: string;
  readonly inputs: {
    readonly backlog: number | null;
    readonly oldestAgeSeconds: number | null;
    readonly current: number;
    readonly starting: number;
    readonly metricError: string | null;
    readonly active: number | null;
    readonly arrivalsPerSecond: number | null;
    readonly completionsPerSecond: number | null;
    readonly startupSeconds: number | null;
    /** The LLM provider's budget the fleet shares, as the workers last saw it; null when not read. */
    readonly provider: ProviderState | null;
  };
  readonly rawDesired: number;
  readonly clamps: Decision['clamps'];
  readonly desired: number;
  readonly direction: Decision['direction'];
  readonly reason: string;
  readonly dryRun: boolean;
  readonly started: readonly string[];
  readonly retired: readonly Retirement[];
}

export interface FleetControllerDeps {
  readonly name: FleetName;
  readonly scaling: FleetScaling;
  readonly readQueue: ReadQueue;
  /** Jobs each worker holds, by worker id, to retire the idle first; absent when unknowable. */
  readonly readInFlight?: (workers: readonly WorkerStatus[]) => Promise<Map<string, number>>;
  /** The LLM provider's budget the fleet's workers share (chat); absent for a fleet without one. */
  readonly readProvider?: () => Promise<ProviderState>;
  readonly supervisor: Supervisor;
  readonly dryRun: boolean;
  readonly metrics: AutoscalerMetrics;
  readonly log: Logger;
}

/**
 * How long the newest worker that came up took to take jobs (a standby taking over counts as its
 * start); undefined before any did.
 */
export function measuredStartupSeconds(workers: readonly WorkerStatus[]): number | undefined {
  let newest: WorkerStatus | undefined;
  for (const w of workers) {
    if (w.readyAt === null) continue;
    if (!newest || Date.parse(w.readyAt) > Date.parse(newest.readyAt!)) newest = w;
  }
  if (!newest) return undefined;
  return Math.max(0, (Date.parse(newest.readyAt!) - Date.parse(newest.startedAt)) / 1000);
}

/** Reads one fleet's queue, asks the policy, and has the supervisor act on the answer. */
export function createFleetController(deps: FleetControllerDeps) {
  const { name: fleet, scaling, supervisor, metrics, log } = deps;
  let history: Decision[] = [];
  let last: DecisionRecord | undefined;
  let provider: ProviderView | undefined;
  // A dry run starts nothing, so it carries its own count forward as if it had acted.
  let dryCurrent = scaling.min;

  async function readProvider(): Promise<ProviderState | undefined> {
    if (!deps.readProvider) return undefined;
    try {
      return await deps.readProvider();
    } catch (error) {
      log.warn({ fleet, err: (error as Error).message }, 'could not read the provider budget');
      return undefined;
    }
  }

  async function inFlight(): Promise<Map<string, number> | undefined> {
    if (!deps.readInFlight) return undefined;
    try {
      return await deps.readInFlight(supervisor.workers());
    } catch (error) {
      log.warn(
        { fleet, err: (error as Error).message },
        'could not tell which workers are busy; retiring the newest',
      );
      return undefined;
    }
  }

  return {
    async tick(): Promise<DecisionRecord> {
      let reading: Awaited<ReturnType<ReadQueue>> | undefined;
      let metricError: string | undefined;
      try {
        reading = await deps.readQueue();
      } catch (error) {
        metricError = (error as Error).message;
      }
      const counts = deps.dryRun ? { current: dryCurrent, starting: 0 } : supervisor.counts();
      const startupSeconds = measuredStartupSeconds(supervisor.workers());
      const budget = await readProvider();
      const decision = decide(
        {
          backlog: reading?.backlog,
          oldestAgeSeconds: reading ? reading.oldestAgeSeconds : undefined,
          currentWorkers: counts.current,
          startingWorkers: counts.starting,
          now: Date.now(),
          ...(metricError === undefined ? {} : { metricError }),
          // A job whose call waits for the budget holds a slot but is not in service: counted in,
          // its wait would read as service time and loosen the provider cap by as much.
          ...(reading?.active !== undefined && {
            active: Math.max(0, reading.active - (budget?.waiting ?? 0)),
          }),
          ...(reading?.arrivalsPerSecond !== undefined && { arrivalsPerSecond: reading.arrivalsPerSecond }),
          ...(reading?.completionsPerSecond !== undefined && {
            completionsPerSecond: reading.completionsPerSecond,
          }),
          ...(startupSeconds !== undefined && { startupSeconds }),
          ...(budget && providerInput(budget)),
        },
        scaling,
        history,
      );
      provider = budget && viewProvider(budget, decision);
      history = rememberDecision(history, decision, scaling);

      let actions: ReturnType<Supervisor['scaleTo']> = { started: [], retired: [] };
      if (deps.dryRun) dryCurrent = decision.desired;
      else if (decision.desired !== counts.current) {
        const busy = decision.desired < counts.current ? await inFlight() : undefined;
        actions = supervisor.scaleTo(decision.desired, busy);
      }

      metrics.desired.set({ fleet }, decision.desired);
      metrics.decisions.inc({ fleet, direction: decision.direction });
      if (reading) {
        metrics.backlog.set({ fleet }, reading.backlog);
        metrics.queueAge.set({ fleet }, reading.oldestAgeSeconds ?? 0);
        for (const { queue, transport, state, value } of reading.depth) {
          metrics.queueDepth.set({ queue, transport, state: state ?? '' }, value);
        }
        for (const { queue, transport, value } of reading.age)
          metrics.queueOldestAge.set({ queue, transport }, value);
      }

      last = {
        fleet,
        at: new Date(decision.at).toISOString(),
        inputs: {
          backlog: reading?.backlog ?? null,
          oldestAgeSeconds: reading?.oldestAgeSeconds ?? null,
          current: counts.current,
          starting: counts.starting,
          metricError: metricError ?? null,
          active: reading?.active ?? null,
          arrivalsPerSecond: reading?.arrivalsPerSecond ?? null,
          completionsPerSecond: reading?.completionsPerSecond ?? null,
          startupSeconds: startupSeconds ?? null,
          provider: budget ?? null,
        },
        rawDesired: decision.rawDesired,
        clamps: decision.clamps,
        desired: decision.desired,
        direction: decision.direction,
        reason: decision.reason,
        dryRun: deps.dryRun,
        started: actions.started,
        retired: actions.retired,
      };
      const level = metricError ? 'warn' : 'info';
      log[level](last, 'scaling decision');
      return last;
    },

    status() {
      return {
        name: fleet,
        workers: supervisor.workers(),
        desired: last?.desired ?? null,
        lastDecision: last ?? null,
        standby: supervisor.standby(),
        crashLooping: supervisor.crashLooping(),
        scaling,
        // Only a fleet that shares a provider budget has this field.
        ...(deps.readProvider && { provider: provider ?? null }),
      };
    },
  };
}

export type FleetController = ReturnType<typeof createFleetController>;
