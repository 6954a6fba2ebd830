import { type FleetName, type FleetScaling, fleets, stopTimeoutSeconds } from './fleets.config';

/**
 * The AWS form of Aira's scaling policy, derived from the same numbers as `decide`, for the CDK app
 * to turn into Application Auto Scaling policies on an ECS service:
 *
 * - **Backlog**: target tracking on backlog per task (backlog ÷ running tasks) at
 *   targetBacklogPerWorker, the AWS form of `ceil(backlog / targetBacklogPerWorker)`.
 * - **Age**: step scaling on the age of the oldest waiting job: at SLO +1 task, at 2 × SLO +2, at
 *   4 × SLO +maxStepUp (each capped at maxStepUp). Step scaling cannot multiply by age/SLO as `decide`
 *   does, so the steps approximate it; a cooldown of one task start stops the steps compounding while
 *   new tasks boot, as `decide` stops the age rule while workers are starting.
 * - **Down**: the scale-in cooldown is scaleDownWindowSeconds. AWS target tracking scales in only
 *   after 15 minutes under target and may remove several tasks at once; it cannot express
 *   maxStepDown, so AWS scales in later but in larger steps than the local autoscaler.
 * - **Never lose a job**: the container stopTimeout is the drain deadline plus the close margin
 *   (Fargate allows at most 120 s); workers stop taking jobs on SIGTERM, finish what they hold by the
 *   deadline, hand back the rest and close before the kill.
 */

/** A CloudWatch metric, by name; the CDK app builds the `Metric` (period 60 s). */
export interface CloudWatchMetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Maximum' | 'Average' | 'Sum';
}

/** The shape of CDK's `ScalingInterval` (aws-applicationautoscaling). */
export interface AgeStep {
  readonly lower: number;
  readonly upper?: number;
  readonly change: number;
}

export interface AwsScaling {
  readonly fleet: FleetName;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Target tracking: desired backlog per running task. */
  readonly backlogPerTaskTarget: number;
  /** Summed to give the backlog (BullMQ waiting + prioritized + active; SQS visible + in flight). */
  readonly backlogMetrics: readonly CloudWatchMetricRef[];
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  /** Step scaling on ageMetric, in seconds. */
  readonly ageSteps: readonly AgeStep[];
  readonly ageMetric: CloudWatchMetricRef;
  readonly ageStepCooldownSeconds: number;
  /** ECS container stopTimeout: how long a stopping task may drain. */
  readonly stopTimeoutSeconds: number;
}

/** How long a Fargate task takes from scale-out to taking jobs (image pull, ENI, start-up). */
export const FARGATE_TASK_START_SECONDS = 60;

/** Fargate's ceiling for a container's stopTimeout. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

// Queue names and metric names are stored contracts (docs/METRICS.md): alarms refer to them.
const sqsMetric = (metricName: string): CloudWatchMetricRef => ({
  namespace: 'AWS/SQS',
  metricName,
  dimensions: { QueueName: 'aira-writes.fifo' },
  statistic: 'Maximum',
});

const chatDepth = (state: string): CloudWatchMetricRef => ({
  namespace: 'Aira',
  metricName: 'aira_queue_depth',
  dimensions: { queue: 'chat', transport: 'bullmq', state },
  statistic: 'Maximum',
});

const queueMetrics: Record<FleetName, { backlog: CloudWatchMetricRef[]; age: CloudWatchMetricRef }> = {
  chat: {
    backlog: [chatDepth('waiting'), chatDepth('prioritized'), chatDepth('active')],
    age: {
      namespace: 'Aira',
      metricName: 'aira_queue_oldest_age_seconds',
      dimensions: { queue: 'chat', transport: 'bullmq' },
      statistic: 'Maximum',
    },
  },
  writer: {
    backlog: [
      sqsMetric('ApproximateNumberOfMessagesVisible'),
      sqsMetric('ApproximateNumberOfMessagesNotVisible'),
    ],
    age: sqsMetric('ApproximateAgeOfOldestMessage'),
  },
};

/** Age steps at SLO, 2 × SLO and 4 × SLO adding 1, 2 and 4 tasks, each capped at maxStepUp. */
export function ageStepsFor(config: FleetScaling): AgeStep[] {
  const slo = config.queueAgeSloSeconds;
  const change = (n: number) => Math.max(1, Math.min(n, config.maxStepUp));
  return [
    { lower: slo, upper: 2 * slo, change: change(1) },
    { lower: 2 * slo, upper: 4 * slo, change: change(2) },
    { lower: 4 * slo, change: change(4) },
  ];
}

export function awsScalingFor(fleet: FleetName, config: FleetScaling = fleets[fleet]): AwsScaling {
  return {
    fleet,
    minCapacity: config.min,
    maxCapacity: config.max,
    backlogPerTaskTarget: config.targetBacklogPerWorker,
    backlogMetrics: queueMetrics[fleet].backlog,
    scaleOutCooldownSeconds: FARGATE_TASK_START_SECONDS,
    scaleInCooldownSeconds: config.scaleDownWindowSeconds,
    ageSteps: ageStepsFor(config),
    ageMetric: queueMetrics[fleet].age,
    ageStepCooldownSeconds: FARGATE_TASK_START_SECONDS,
    stopTimeoutSeconds: Math.min(stopTimeoutSeconds(config), FARGATE_MAX_STOP_TIMEOUT_SECONDS),
  };
}
