import type { FleetScaling } from '../../../shared/scaling/fleets.config';
import type { ProviderBudget } from '../../../shared/scaling/policy';
import { createAiraController } from './aira.controller';
import { createCdkController } from './cdk.controller';
import type { Controller } from './controller.types';
import { createKedaController } from './keda.controller';
import { runOracle } from './oracle.sim';
import { createRandom, type JobTimeModel, meanJobSeconds } from './random.model';
import { type RunResult, runSimulation } from './run.sim';
import { buildWorkload } from './workload.model';

/** Chat replies: median 3 s, lognormal spread, capped below the chat drain deadline like an LLM timeout. */
export const chatReplyTime: JobTimeModel = { medianSeconds: 3, sigma: 0.8, maxSeconds: 110 };

/** A chat worker waits on the LLM: ~2 % CPU idle, ~2.5 % per reply it relays (an assumption, see SCALING.md). */
export const chatWorkerCpu = { idlePercent: 2, perJobPercent: 2.5 } as const;

export interface Scenario {
  readonly trace: string;
  readonly arrivals: readonly number[];
  readonly fleet: FleetScaling;
  readonly startupSeconds: number;
  readonly seed: number;
  /** Aira's autoscaler poll interval. */
  readonly airaIntervalSeconds: number;
  readonly jobTime: JobTimeModel;
  /**
   * An LLM provider budget every job's call must fit. The oracle is left out then: it knows no
   * budget, and no fleet size keeps the SLO once the provider is the limit.
   */
  readonly provider?: ProviderBudget;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  /** Aira, KEDA, CDK, then the oracle (without a provider budget). */
  readonly runs: readonly RunResult[];
  /** No policy keeps every minute within the SLO on fewer (see oracle.plan.ts); absent with a provider budget. */
  readonly lowerBoundWorkerSeconds?: number;
}

/**
 * A fleet sized for a trace's peak: with max from the local config, a 1000× trace would only show
 * that every policy hits the ceiling. Peak × mean job time ÷ concurrency, plus 25 % headroom.
 */
export function fleetForPeak(
  fleet: FleetScaling,
  arrivals: readonly number[],
  jobTime: JobTimeModel,
): FleetScaling {
  const peak = Math.max(...arrivals);
  const needed = Math.ceil((peak * meanJobSeconds(jobTime) * 1.25) / fleet.concurrency);
  return needed > fleet.max ? { ...fleet, max: needed } : fleet;
}

/**
 * The fleet every policy starts with, already running: what the first minute's arrivals keep busy
 * (at least min). A day does not begin from an empty fleet; starting at min would lose the first
 * minute of a busy trace for every policy, the oracle included, since no decision acts before t = 1.
 */
export function openingFleet(
  fleet: FleetScaling,
  arrivals: readonly number[],
  jobTime: JobTimeModel,
): number {
  const first = arrivals.slice(0, 60);
  const rate = first.reduce((a, b) => a + b, 0) / Math.max(1, first.length);
  return Math.min(
    fleet.max,
    Math.max(fleet.min, Math.ceil((rate * meanJobSeconds(jobTime)) / fleet.concurrency)),
  );
}

export function controllersFor(scenario: Scenario): Controller[] {
  const { fleet } = scenario;
  return [
    createAiraController(fleet, {
      intervalSeconds: scenario.airaIntervalSeconds,
      startupSeconds: scenario.startupSeconds,
      ...(scenario.provider && { provider: scenario.provider }),
    }),
    createKedaController({ min: fleet.min, max: fleet.max }),
    createCdkController({ min: fleet.min, max: fleet.max }),
  ];
}

export function runScenario(scenario: Scenario): ScenarioResult {
  const { fleet } = scenario;
  const workload = buildWorkload(scenario.arrivals, scenario.jobTime, createRandom(scenario.seed));
  const common = {
    workload,
    initialWorkers: openingFleet(fleet, scenario.arrivals, scenario.jobTime),
    sloSeconds: fleet.queueAgeSloSeconds,
    drainLimitSeconds: 6 * 3600,
    ...(scenario.provider && { provider: scenario.provider }),
  };
  const model = (i: number) => ({
    concurrency: fleet.concurrency,
    startupSeconds: scenario.startupSeconds,
    random: createRandom(scenario.seed + 1 + i),
    cpu: chatWorkerCpu,
  });
  const controllers = controllersFor(scenario);
  const runs = controllers.map((controller, i) => runSimulation({ ...common, controller, model: model(i) }));
  if (scenario.provider) return { scenario, runs };
  const oracle = runOracle({
    ...common,
    model: model(controllers.length),
    min: fleet.min,
    drainSeconds: fleet.drainDeadlineSeconds,
  });
  return { scenario, runs: [...runs, oracle.run], lowerBoundWorkerSeconds: oracle.lowerBoundWorkerSeconds };
}
