import type { FleetScaling } from '../../../shared/scaling/fleets.config';
import { type Decision, decide, type ProviderBudget, rememberDecision } from '../../../shared/scaling/policy';
import type { Controller } from './controller.types';

export interface AiraControllerOptions {
  /** Poll interval, like AUTOSCALER_POLL_MS. */
  readonly intervalSeconds?: number;
  /** Arrival and completion rates are counted over this long, like the local queue reader's window. */
  readonly rateWindowSeconds?: number;
  /** What the autoscaler measures as a worker's start-up. */
  readonly startupSeconds?: number;
  /** The provider's budget, when the fleet shares one. */
  readonly provider?: ProviderBudget;
}

/**
 * Aira's policy, the real `decide` from shared/scaling/policy.ts, polled like the local autoscaler
 * and given what its queue reader gives it: backlog, oldest age, jobs running, and the arrival and
 * completion rates over the last few seconds. It retires the least busy worker and lets it drain
 * for drainDeadlineSeconds.
 */
export function createAiraController(config: FleetScaling, options: AiraControllerOptions = {}): Controller {
  const intervalSeconds = options.intervalSeconds ?? 5;
  const rateWindow = options.rateWindowSeconds ?? 10;
  let history: Decision[] = [];
  const counters: Array<{ t: number; arrived: number; completed: number }> = [];
  return {
    name: 'aira',
    stopGraceSeconds: config.drainDeadlineSeconds,
    retire: 'least-busy',
    sharesProviderBudget: true,
    next(view) {
      counters.push({ t: view.t, arrived: view.arrived, completed: view.completed });
      while (counters.length > 1 && counters[0]!.t < view.t - rateWindow) counters.shift();
      if (view.t % intervalSeconds !== 0) return view.desired;
      const since = counters[0]!;
      const elapsed = view.t - since.t;
      const decision = decide(
        {
          backlog: view.waiting + view.active,
          oldestAgeSeconds: view.oldestAgeSeconds,
          currentWorkers: view.desired,
          startingWorkers: view.starting,
          now: view.t * 1000,
          active: view.inService,
          ...(elapsed > 0 && {
            arrivalsPerSecond: (view.arrived - since.arrived) / elapsed,
            completionsPerSecond: (view.completed - since.completed) / elapsed,
          }),
          ...(options.startupSeconds !== undefined && { startupSeconds: options.startupSeconds }),
          ...(options.provider && { provider: options.provider }),
        },
        config,
        history,
      );
      history = rememberDecision(history, decision, config);
      return decision.desired;
    },
  };
}
