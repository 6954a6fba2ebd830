import type { Controller } from './controller.types';

/**
 * KEDA's Redis list scaler on the BullMQ wait list, with KEDA and Kubernetes HPA defaults:
 *
 * - The metric is `listLength` = LLEN of the wait list: waiting jobs only, not the running ones.
 * - KEDA polls every 30 s to activate a fleet at zero (any waiting job) and to deactivate it after
 *   cooldownPeriod 300 s with nothing waiting (only when minReplicaCount is 0).
 * - The HPA syncs every 15 s: desired = ceil(listLength / 5) (AverageValue target 5 per replica),
 *   unchanged within the 10 % tolerance, at least 1; scale-up at most +100 % or +4 pods per 15 s,
 *   whichever is more; scale-down to the highest recommendation of the last 300 s
 *   (stabilization window), then at most −100 % per 15 s.
 * - A deleted pod gets terminationGracePeriodSeconds 30 s; Kubernetes picks which pod goes.
 */
export interface KedaOptions {
  readonly min: number;
  readonly max: number;
  readonly pollingIntervalSeconds: number;
  readonly cooldownPeriodSeconds: number;
  readonly listLengthTarget: number;
  readonly activationListLength: number;
  readonly hpaSyncSeconds: number;
  readonly tolerance: number;
  readonly scaleUpPercent: number;
  readonly scaleUpPods: number;
  readonly scaleDownStabilizationSeconds: number;
  readonly scaleDownPercent: number;
  readonly terminationGracePeriodSeconds: number;
}

export const kedaDefaults = {
  pollingIntervalSeconds: 30,
  cooldownPeriodSeconds: 300,
  listLengthTarget: 5,
  activationListLength: 0,
  hpaSyncSeconds: 15,
  tolerance: 0.1,
  scaleUpPercent: 100,
  scaleUpPods: 4,
  scaleDownStabilizationSeconds: 300,
  scaleDownPercent: 100,
  terminationGracePeriodSeconds: 30,
} as const;

export function createKedaController(
  options: Pick<KedaOptions, 'min' | 'max'> & Partial<KedaOptions>,
): Controller {
  const o: KedaOptions = { ...kedaDefaults, ...options };
  const recommendations: Array<{ t: number; replicas: number }> = [];
  let lastActiveAt = 0;

  return {
    name: 'keda',
    stopGraceSeconds: o.terminationGracePeriodSeconds,
    retire: 'random',
    next(view) {
      const { t } = view;
      let replicas = view.desired;
      const listLength = view.waiting;

      if (t % o.pollingIntervalSeconds === 0) {
        const active = listLength > o.activationListLength;
        if (active) lastActiveAt = t;
        if (replicas === 0 && active) return Math.min(Math.max(1, o.min), o.max);
        if (replicas > 0 && o.min === 0 && !active && t - lastActiveAt >= o.cooldownPeriodSeconds) return 0;
      }
      if (replicas === 0 || t % o.hpaSyncSeconds !== 0) return replicas;

      const usage = listLength / (o.listLengthTarget * replicas);
      const proposed =
        Math.abs(usage - 1) <= o.tolerance ? replicas : Math.ceil(listLength / o.listLengthTarget);
      const recommendation = Math.min(o.max, Math.max(1, o.min, proposed));
      recommendations.push({ t, replicas: recommendation });
      while (recommendations[0]!.t <= t - o.scaleDownStabilizationSeconds) recommendations.shift();

      if (recommendation > replicas) {
        const limit = Math.max(Math.ceil(replicas * (1 + o.scaleUpPercent / 100)), replicas + o.scaleUpPods);
        replicas = Math.min(recommendation, limit);
      } else if (recommendation < replicas) {
        const stabilized = Math.max(...recommendations.map((r) => r.replicas));
        const floor = Math.floor(replicas * (1 - o.scaleDownPercent / 100));
        replicas = Math.max(Math.min(replicas, stabilized), floor);
      }
      return replicas;
    },
  };
}
