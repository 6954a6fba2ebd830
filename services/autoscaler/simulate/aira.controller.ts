import type { FleetScaling } from '../../../shared/scaling/fleets.config';
import { type Decision, decide, rememberDecision } from '../../../shared/scaling/policy';
import type { Controller } from './controller.types';

/**
 * Aira's policy, the real `decide` from shared/scaling/policy.ts, polled like the local autoscaler.
 * It retires the least busy worker and lets it drain for drainDeadlineSeconds.
 */
export function createAiraController(config: FleetScaling, intervalSeconds = 5): Controller {
  let history: Decision[] = [];
  return {
    name: 'aira',
    stopGraceSeconds: config.drainDeadlineSeconds,
    retire: 'least-busy',
    next(view) {
      if (view.t % intervalSeconds !== 0) return view.desired;
      const decision = decide(
        {
          backlog: view.waiting + view.active,
          oldestAgeSeconds: view.oldestAgeSeconds,
          currentWorkers: view.desired,
          startingWorkers: view.starting,
          now: view.t * 1000,
        },
        config,
        history,
      );
      history = rememberDecision(history, decision, config);
      return decision.desired;
    },
  };
}
