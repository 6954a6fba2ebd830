import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import type { FleetScaling } from '../../shared/scaling/fleets.config';

/** ECS waits at most this long between SIGTERM and SIGKILL on Fargate. */
export const ecsMaxStopTimeoutSeconds = 120;

/** Extra seconds after the drain deadline for closing Redis, the database and telemetry. */
const closeMarginSeconds = 10;

/** Queue-age multiples of the SLO at which the step policy adds tasks, and how many. */
const ageStepMultiples = [1, 2, 4] as const;
const ageStepTasks = [1, 2, 4] as const;

export interface AgeStep {
  /** Oldest-message age, in seconds, from which this step applies. */
  readonly lowerSeconds: number;
  /** Tasks added when the age is in this step. */
  readonly addTasks: number;
}

export interface WorkerScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Target for backlog / running tasks (target tracking). */
  readonly backlogPerTaskTarget: number;
  /** Step policy on the age of the oldest message, a faster push when the SLO is already missed. */
  readonly ageSteps: readonly AgeStep[];
  /** Target tracking removes tasks only after the fleet's scale-down window. */
  readonly scaleInCooldownSeconds: number;
  /** One CloudWatch period, so a scale-out is seen in the metric before the next one. */
  readonly scaleOutCooldownSeconds: number;
  /** SIGTERM → SIGKILL time, long enough for the fleet's drain. */
  readonly stopTimeoutSeconds: number;
}

/**
 * Turns one fleet's shared scaling numbers (shared/scaling/fleets.config.ts) into the AWS
 * policy numbers, so AWS scales on the same targets the local autoscaler enforces.
 */
export function workerScalingFor(fleet: FleetScaling): WorkerScaling {
  return {
    minCapacity: fleet.min,
    maxCapacity: fleet.max,
    backlogPerTaskTarget: fleet.targetBacklogPerWorker,
    ageSteps: ageStepMultiples.map((multiple, i) => ({
      lowerSeconds: fleet.queueAgeSloSeconds * multiple,
      addTasks: ageStepTasks[i] ?? 1,
    })),
    scaleInCooldownSeconds: fleet.scaleDownWindowSeconds,
    scaleOutCooldownSeconds: 60,
    stopTimeoutSeconds: Math.min(fleet.drainDeadlineSeconds + closeMarginSeconds, ecsMaxStopTimeoutSeconds),
  };
}

/** A CloudWatch metric as target tracking's metric math takes it. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface WorkerScalingProps {
  readonly service: ecs.FargateService;
  readonly cluster: ecs.ICluster;
  readonly scaling: WorkerScaling;
  /** Metrics whose sum is the queue's backlog (e.g. SQS visible + not visible). */
  readonly backlog: readonly MetricRef[];
  /** Age of the oldest waiting message, in seconds. */
  readonly oldestAge: cloudwatch.IMetric;
}

/**
 * Backlog-per-task target tracking plus a queue-age step policy on one worker service. There is
 * deliberately no CPU policy: workers wait on the LLM and the database, so CPU says nothing about
 * how far behind they are.
 */
export class WorkerScalingPolicies extends Construct {
  readonly target: appscaling.ScalableTarget;
  readonly backlogPolicy: appscaling.CfnScalingPolicy;
  readonly agePolicy: appscaling.StepScalingPolicy;

  constructor(scope: Construct, id: string, props: WorkerScalingProps) {
    super(scope, id);
    const { scaling, service, cluster } = props;
    this.target = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${cluster.clusterName}/${service.serviceName}`,
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
    });

    // The L2 target-tracking construct takes a single metric only; metric math needs the L1.
    const backlogIds = props.backlog.map((_, i) => `backlog${i}`);
    this.backlogPolicy = new appscaling.CfnScalingPolicy(this, 'BacklogPerTask', {
      policyName: 'backlog-per-task',
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.backlogPerTaskTarget,
        scaleInCooldown: scaling.scaleInCooldownSeconds,
        scaleOutCooldown: scaling.scaleOutCooldownSeconds,
        customizedMetricSpecification: {
          metrics: [
            ...props.backlog.map((metric, i) =>
              metricQuery(backlogIds[i] ?? `backlog${i}`, metric, 'Average'),
            ),
            metricQuery(
              'tasks',
              {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: { ClusterName: cluster.clusterName, ServiceName: service.serviceName },
              },
              'Average',
            ),
            {
              id: 'backlogPerTask',
              label: 'backlog per running task',
              // With no task running yet the whole backlog counts against the first one.
              expression: `(${backlogIds.join(' + ')}) / IF(tasks > 0, tasks, 1)`,
              returnData: true,
            },
          ],
        },
      },
    });
    this.backlogPolicy.node.addDependency(this.target);

    this.agePolicy = this.target.scaleOnMetric('QueueAge', {
      metric: props.oldestAge,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      cooldown: Duration.seconds(scaling.scaleOutCooldownSeconds),
      evaluationPeriods: 1,
      // Below the SLO this policy does nothing; target tracking handles scale-in.
      scalingSteps: scaling.ageSteps.map((step) => ({ lower: step.lowerSeconds, change: step.addTasks })),
    });
  }
}

function metricQuery(
  id: string,
  metric: MetricRef,
  stat: string,
): appscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty {
  return {
    id,
    returnData: false,
    metricStat: {
      stat,
      metric: {
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: Object.entries(metric.dimensions).map(([name, value]) => ({ name, value })),
      },
    },
  };
}
