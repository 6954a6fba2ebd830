import { type Static, Type } from '@sinclair/typebox';
import { commonEnv } from '../../shared/config/common.config';
import { ConfigError, Port, parseEnv } from '../../shared/config/env';
import { type FleetName, type FleetScaling, fleets } from '../../shared/scaling/fleets.config';

const WorkerCount = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: 256, description }));

export const AutoscalerEnv = Type.Object({
  ...commonEnv,
  // /metrics, /status and /healthz of the autoscaler (0 picks a free port).
  AUTOSCALER_PORT: Port(3100, 'port for /metrics, /status and /healthz'),
  AUTOSCALER_HOST: Type.String({ default: '127.0.0.1' }),
  // How often each fleet's queue is read and a decision made.
  AUTOSCALER_POLL_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 }),
  // Decide and log every decision, but start and stop nothing.
  AUTOSCALER_DRY_RUN: Type.Boolean({ default: false }),
  // Fleet bounds; unset means shared/scaling/fleets.config.ts.
  AUTOSCALER_CHAT_MIN: WorkerCount('fewest chat workers'),
  AUTOSCALER_CHAT_MAX: WorkerCount('most chat workers'),
  AUTOSCALER_WRITER_MIN: WorkerCount('fewest writer workers'),
  AUTOSCALER_WRITER_MAX: WorkerCount('most writer workers'),
  // Chat worker processes kept loaded and waiting, so a surge does not wait for a cold start.
  AUTOSCALER_CHAT_STANDBY: Type.Integer({ minimum: 0, maximum: 4, default: 1 }),
  // A worker that has not logged that it is ready after this long is killed and counted as a crash.
  AUTOSCALER_START_TIMEOUT_S: Type.Integer({ minimum: 5, default: 90 }),
  // After a retiring worker's drain deadline, how long before it is killed.
  AUTOSCALER_KILL_GRACE_S: Type.Integer({ minimum: 1, default: 15 }),
  // A worker that crashes this many times within the window is reported as crash-looping.
  AUTOSCALER_CRASHLOOP_CRASHES: Type.Integer({ minimum: 2, default: 5 }),
  AUTOSCALER_CRASHLOOP_WINDOW_S: Type.Integer({ minimum: 1, default: 120 }),
  // Restart delay after a crash: doubles from the base per crash in a row, up to the max.
  AUTOSCALER_RESTART_BASE_MS: Type.Integer({ minimum: 0, default: 1000 }),
  AUTOSCALER_RESTART_MAX_MS: Type.Integer({ minimum: 0, default: 60_000 }),
});

export type AutoscalerConfig = Static<typeof AutoscalerEnv>;

export function loadAutoscalerConfig(
  env: Record<string, string | undefined> = process.env,
): AutoscalerConfig {
  const config = parseEnv(AutoscalerEnv, env);
  for (const fleet of ['chat', 'writer'] as const) {
    const { min, max } = fleetScaling(config, fleet);
    if (min > max) {
      // Name the bound that was set; when both were, the minimum.
      const prefix = `AUTOSCALER_${fleet.toUpperCase()}`;
      const name = env[`${prefix}_MIN`] ? `${prefix}_MIN` : `${prefix}_MAX`;
      throw new ConfigError(
        `${name} is ${JSON.stringify(env[name])}: ${fleet} min ${min} is above max ${max}`,
      );
    }
  }
  return config;
}

/** Scaling numbers a fleet can be given besides fleets.config (tests shorten the window, say). */
export type ScalingOverrides = Partial<Omit<FleetScaling, 'drainDeadlineSeconds'>>;

/**
 * A fleet's numbers: fleets.config, then the bounds from the environment, then overrides. The drain
 * deadline is not overridable: the workers read it from fleets.config themselves, and a supervisor
 * that waited less would kill them mid-drain.
 */
export function fleetScaling(
  config: AutoscalerConfig,
  fleet: FleetName,
  overrides: ScalingOverrides = {},
): FleetScaling {
  const env =
    fleet === 'chat'
      ? { min: config.AUTOSCALER_CHAT_MIN, max: config.AUTOSCALER_CHAT_MAX }
      : { min: config.AUTOSCALER_WRITER_MIN, max: config.AUTOSCALER_WRITER_MAX };
  const merged: Record<string, number> = { ...fleets[fleet] };
  for (const source of [env, overrides]) {
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined) merged[key] = value;
    }
  }
  return Object.freeze(merged as unknown as FleetScaling);
}
