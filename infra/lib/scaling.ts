import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import {
  FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  type FleetScaling,
  fleets,
  stopTimeoutSeconds,
} from '../../shared/scaling/fleets.config';
import { providerCap } from '../../shared/scaling/policy.flow';

/** ECS waits at most this long between SIGTERM and SIGKILL on Fargate. */
export const ecsMaxStopTimeoutSeconds = FARGATE_MAX_STOP_TIMEOUT_SECONDS;

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
  /** SIGTERM → SIGKILL time: the fleet's drain deadline plus the close margin. */
  readonly stopTimeoutSeconds: number;
}

/**
 * Turns one fleet's shared scaling numbers (shared/scaling/fleets.config.ts) into the AWS
 * policy numbers, so AWS scales on the same targets the local autoscaler enforces. A drain that
 * ECS would cut short is refused rather than capped: the kill would land mid-reply.
 */
export function workerScalingFor(fleet: FleetScaling, provider?: ProviderLimit): WorkerScaling {
  const stopTimeout = stopTimeoutSeconds(fleet);
  if (stopTimeout > ecsMaxStopTimeoutSeconds) {
    throw new Error(
      `a fleet's drainDeadlineSeconds (${fleet.drainDeadlineSeconds}) plus the close margin is ${stopTimeout} s, more than ECS's ${ecsMaxStopTimeoutSeconds} s stop timeout: shorten it in shared/scaling/fleets.config.ts`,
    );
  }
  return {
    minCapacity: fleet.min,
    maxCapacity: provider
      ? Math.max(fleet.min, Math.min(fleet.max, providerMaxTasks(fleet, provider)))
      : fleet.max,
    backlogPerTaskTarget: fleet.targetBacklogPerWorker,
    ageSteps: ageStepMultiples.map((multiple, i) => ({
      lowerSeconds: fleet.queueAgeSloSeconds * multiple,
      addTasks: ageStepTasks[i] ?? 1,
    })),
    scaleInCooldownSeconds: fleet.scaleDownWindowSeconds,
    scaleOutCooldownSeconds: 60,
    stopTimeoutSeconds: stopTimeout,
  };
}

/** The LLM provider's budget a fleet's tasks share (deploy settings `providerRequestsPerMinute`, `providerCallSeconds`). */
export interface ProviderLimit {
  readonly requestsPerMinute: number;
  /** Seconds one call takes on average: how long a request of the budget holds a task's slot. */
  readonly callSeconds: number;
}

/**
 * The most tasks the provider's budget keeps busy: its calls per second × the seconds each takes
 * are the calls running at once, over the replies one task runs at once (fleets.config.ts), as the
 * local policy's provider cap counts them (shared/scaling/policy.flow.ts). AWS's step and target
 * policies see only the queue, which grows whenever the provider is the limit, so without this
 * bound they would add tasks that only wait for budget (or, calling on their own, collect 429s).
 */
export function providerMaxTasks(fleet: FleetScaling, provider: ProviderLimit): number {
  const budget = {
    requestsPerMinute: provider.requestsPerMinute,
    tokensPerMinute: Number.MAX_SAFE_INTEGER,
    tokensPerJob: 0,
  };
  return providerCap(budget, provider.callSeconds, fleet.concurrency).workers;
}

/**
 * The chat fleet's AWS numbers: its max capacity is also what the provider's budget keeps busy
 * (when the deploy names the budget), since tasks past it would only wait for budget while the
 * queue's age kept asking for more.
 */
export function chatWorkerScaling(settings: {
  readonly providerRequestsPerMinute?: number;
  readonly providerCallSeconds: number;
}): WorkerScaling {
  const rpm = settings.providerRequestsPerMinute;
  return workerScalingFor(
    fleets.chat,
    rpm === undefined ? undefined : { requestsPerMinute: rpm, callSeconds: settings.providerCallSeconds },
  );
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
    this.target = serviceScalableTarget(this, cluster, service, scaling);

    this.backlogPolicy = perTaskTracking(this, 'BacklogPerTask', {
      target: this.target,
      cluster,
      service,
      name: 'backlog',
      metrics: props.backlog,
      statistic: 'Average',
      targetValue: scaling.backlogPerTaskTarget,
      scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds,
    });

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

export interface GatewayScalingProps {
  readonly service: ecs.FargateService;
  readonly cluster: ecs.ICluster;
  readonly alb: elbv2.ApplicationLoadBalancer;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Load balancer connections (both sides) per running task to track. */
  readonly connectionsPerTask: number;
  /** Average CPU, in percent, to track as a backstop. */
  readonly cpuPercent: number;
}

/**
 * The gateway scales on open connections per task: an SSE stream is one long request, so a fleet
 * full of streams would never scale on request counts. CPU tracking is the backstop for load that
 * is not connections (sign-up's password hashing). Either policy can add tasks; tasks go only when
 * both agree.
 */
export class GatewayScalingPolicies extends Construct {
  readonly target: appscaling.ScalableTarget;
  readonly connectionsPolicy: appscaling.CfnScalingPolicy;
  readonly cpuPolicy: appscaling.TargetTrackingScalingPolicy;

  constructor(scope: Construct, id: string, props: GatewayScalingProps) {
    super(scope, id);
    const { service, cluster } = props;
    this.target = serviceScalableTarget(this, cluster, service, props);
    const cooldowns = { scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 };
    this.connectionsPolicy = perTaskTracking(this, 'ConnectionsPerTask', {
      target: this.target,
      cluster,
      service,
      name: 'connections',
      metrics: [
        {
          namespace: 'AWS/ApplicationELB',
          metricName: 'ActiveConnectionCount',
          dimensions: { LoadBalancer: props.alb.loadBalancerFullName },
        },
      ],
      // The load balancer's nodes each report their open connections; the sum is the whole count.
      statistic: 'Sum',
      targetValue: props.connectionsPerTask,
      ...cooldowns,
    });
    this.cpuPolicy = this.target.scaleToTrackMetric('Cpu', {
      predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
      targetValue: props.cpuPercent,
      scaleInCooldown: Duration.seconds(cooldowns.scaleInCooldownSeconds),
      scaleOutCooldown: Duration.seconds(cooldowns.scaleOutCooldownSeconds),
    });
  }
}

/** The desired count of an ECS service, between the given bounds. */
function serviceScalableTarget(
  scope: Construct,
  cluster: ecs.ICluster,
  service: ecs.FargateService,
  bounds: { minCapacity: number; maxCapacity: number },
): appscaling.ScalableTarget {
  return new appscaling.ScalableTarget(scope, 'Target', {
    serviceNamespace: appscaling.ServiceNamespace.ECS,
    scalableDimension: 'ecs:service:DesiredCount',
    resourceId: `service/${cluster.clusterName}/${service.serviceName}`,
    minCapacity: bounds.minCapacity,
    maxCapacity: bounds.maxCapacity,
  });
}

/**
 * Target tracking on (sum of some metrics) / running tasks. The L2 target-tracking construct takes
 * a single metric only; metric math needs the L1.
 */
function perTaskTracking(
  scope: Construct,
  id: string,
  props: {
    target: appscaling.ScalableTarget;
    cluster: ecs.ICluster;
    service: ecs.FargateService;
    /** Names the metric queries and the policy (`<name>-per-task`). */
    name: string;
    metrics: readonly MetricRef[];
    statistic: string;
    targetValue: number;
    scaleInCooldownSeconds: number;
    scaleOutCooldownSeconds: number;
  },
): appscaling.CfnScalingPolicy {
  const ids = props.metrics.map((_, i) => `${props.name}${i}`);
  const policy = new appscaling.CfnScalingPolicy(scope, id, {
    policyName: `${props.name}-per-task`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: props.target.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: props.targetValue,
      scaleInCooldown: props.scaleInCooldownSeconds,
      scaleOutCooldown: props.scaleOutCooldownSeconds,
      customizedMetricSpecification: {
        metrics: [
          ...props.metrics.map((metric, i) =>
            metricQuery(ids[i] ?? `${props.name}${i}`, metric, props.statistic),
          ),
          metricQuery(
            'tasks',
            {
              namespace: 'ECS/ContainerInsights',
              metricName: 'RunningTaskCount',
              dimensions: { ClusterName: props.cluster.clusterName, ServiceName: props.service.serviceName },
            },
            'Average',
          ),
          {
            id: `${props.name}PerTask`,
            label: `${props.name} per running task`,
            // With no task running yet the whole amount counts against the first one.
            expression: `(${ids.join(' + ')}) / IF(tasks > 0, tasks, 1)`,
            returnData: true,
          },
        ],
      },
    },
  });
  policy.node.addDependency(props.target);
  return policy;
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
