import type { FleetScaling } from '../../../shared/scaling/fleets.config';
import { createAiraController } from './aira.controller';
import { createCdkController } from './cdk.controller';
import type { Controller } from './controller.types';
import { createKedaController } from './keda.controller';
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
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly runs: readonly RunResult[];
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

export function controllersFor(scenario: Scenario): Controller[] {
  const { fleet } = scenario;
  return [
    createAiraController(fleet, scenario.airaIntervalSeconds),
    createKedaController({ min: fleet.min, max: fleet.max }),
    createCdkController({ min: fleet.min, max: fleet.max }),
  ];
}

export function runScenario(scenario: Scenario): ScenarioResult {
  const workload = buildWorkload(scenario.arrivals, scenario.jobTime, createRandom(scenario.seed));
  const runs = controllersFor(scenario).map((controller, i) =>
    runSimulation({
      workload,
      controller,
      model: {
        concurrency: scenario.fleet.concurrency,
        startupSeconds: scenario.startupSeconds,
        random: createRandom(scenario.seed + 1 + i),
        cpu: chatWorkerCpu,
      },
      initialWorkers: scenario.fleet.min,
      sloSeconds: scenario.fleet.queueAgeSloSeconds,
      drainLimitSeconds: 6 * 3600,
    }),
  );
  return { scenario, runs };
}
