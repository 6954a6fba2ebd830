/**
 * The scaling numbers for each worker fleet. The local autoscaler enforces them, the CDK app turns
 * them into AWS scaling policies, and the simulator replays traffic through them: change them here
 * and nowhere else.
 */
export interface FleetScaling {
  /** Fewest workers kept running (0 lets a fleet sleep until a single message arrives). */
  readonly min: number;
  /** Most workers ever started. */
  readonly max: number;
  /** Jobs one worker process runs at once. */
  readonly concurrency: number;
  /** Backlog (waiting + active) one worker is expected to carry; desired = ceil(backlog / target). */
  readonly targetBacklogPerWorker: number;
  /** Age of the oldest waiting job, in seconds, above which the fleet is behind its SLO. */
  readonly queueAgeSloSeconds: number;
  /** Scale-up step limit: at most +100 % or +maxStepUp workers per decision, whichever is larger. */
  readonly maxStepUp: number;
  /** Scale-down step: workers retired per decision. */
  readonly maxStepDown: number;
  /** A scale-down happens only if every decision in this rolling window wanted fewer workers. */
  readonly scaleDownWindowSeconds: number;
  /**
   * How long a retiring worker may take to finish its jobs; longer than the longest LLM call, and
   * short enough that stopTimeoutSeconds (deadline + close margin) fits ECS's 120 s.
   */
  readonly drainDeadlineSeconds: number;
}

/**
 * Seconds a stopping worker still has after its drain deadline: jobs still running are handed back
 * to the queue, then Redis, the database and telemetry close (an OTLP flush alone may take 10 s).
 */
export const closeMarginSeconds = 15;

/**
 * SIGTERM to SIGKILL for a fleet's processes: the ECS container stopTimeout and Compose's
 * stop_grace_period. A reply still running at the drain deadline is handed back before the kill.
 */
export const stopTimeoutSeconds = (fleet: FleetScaling): number =>
  fleet.drainDeadlineSeconds + closeMarginSeconds;

/** Fargate's ceiling for a container's stopTimeout: every fleet's stopTimeoutSeconds must fit it. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

export type FleetName = 'chat' | 'writer';

export const fleets = {
  chat: {
    min: 1,
    max: 16,
    // A chat worker mostly waits on the LLM: one process streams this many replies before its CPU
    // and event loop become the limit (docs/BENCHMARKS.md, chat-capacity).
    concurrency: 128,
    targetBacklogPerWorker: 128,
    queueAgeSloSeconds: 2,
    maxStepUp: 4,
    maxStepDown: 1,
    scaleDownWindowSeconds: 60,
    drainDeadlineSeconds: 105,
  },
  writer: {
    min: 1,
    max: 4,
    concurrency: 10,
    targetBacklogPerWorker: 200,
    queueAgeSloSeconds: 10,
    maxStepUp: 4,
    maxStepDown: 1,
    scaleDownWindowSeconds: 120,
    drainDeadlineSeconds: 60,
  },
} as const satisfies Record<FleetName, FleetScaling>;
