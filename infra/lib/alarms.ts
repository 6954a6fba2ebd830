import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  backlogMetricName,
  oldestAgeMetricName,
  queueDimensionName,
  queueMetricsNamespace,
} from '../../services/queue-metrics/queue-metrics.names';
import { catalog } from '../../shared/jobs/catalog';
import { fleets } from '../../shared/scaling/fleets.config';
import type { Data } from './data';
import type { Queues } from './queues';

export interface AlarmsProps {
  readonly alarmEmail?: string;
  readonly queues: Queues;
  readonly alb: elbv2.IApplicationLoadBalancer;
  readonly data: Data;
}

const minute = Duration.minutes(1);
const fiveMinutes = Duration.minutes(5);

/** Per-node Redis limits: above these the cache is close to refusing writes or falling behind. */
const redisCpuPercent = 80;
const redisMemoryPercent = 80;
const redisReplicationLagSeconds = 5;
const auroraCpuPercent = 80;
const auroraFreeableMemoryBytes = 256 * 1024 * 1024;
const auroraReplicaLagMs = 2000;
/** Share of gateway responses that may be 5xx before someone is paged. */
const http5xxPercent = 5;

/** Every alarm notifies one SNS topic, both when it fires and when it clears. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { queues, data } = props;
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Aira alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    // Queues: a poison message, and each fleet falling behind its queue-age SLO for 3 of 5 minutes
    // (scaling should have caught up by then).
    this.add(
      'WritesDlqNotEmpty',
      `A write failed ${catalog.writes.maxReceiveCount} times and was parked in ${catalog.writes.deadLetter.name}`,
      queues.writesDlq.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
      { threshold: 0 },
    );
    this.add(
      'WritesQueueAge',
      `Oldest message in ${catalog.writes.name} is older than its ${fleets.writer.queueAgeSloSeconds} s SLO`,
      queues.writes.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum' }),
      { threshold: fleets.writer.queueAgeSloSeconds, evaluationPeriods: 5, datapointsToAlarm: 3 },
    );
    this.add(
      'ChatQueueAge',
      `Oldest waiting chat job is older than its ${fleets.chat.queueAgeSloSeconds} s SLO`,
      chatMetric(oldestAgeMetricName, 'Maximum'),
      { threshold: fleets.chat.queueAgeSloSeconds, evaluationPeriods: 5, datapointsToAlarm: 3 },
    );
    // Without these points the chat fleet cannot scale, so their absence is an alarm of its own.
    this.add(
      'ChatQueueMetricsMissing',
      'The queue-metrics publisher has stopped reporting the chat queue',
      chatMetric(backlogMetricName, 'SampleCount'),
      {
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        missing: cloudwatch.TreatMissingData.BREACHING,
      },
    );

    const albMetric = { period: minute, statistic: 'Sum' };
    this.add(
      'Gateway5xxRate',
      `More than ${http5xxPercent} % of gateway responses are 5xx`,
      new cloudwatch.MathExpression({
        label: '5xx %',
        // A minute with no requests counts as 1 so a lone load balancer 5xx still shows.
        expression: '100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / FILL(requests, 1)',
        period: minute,
        usingMetrics: {
          target5xx: props.alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, albMetric),
          elb5xx: props.alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, albMetric),
          requests: props.alb.metrics.requestCount(albMetric),
        },
      }),
      { threshold: http5xxPercent, evaluationPeriods: 5, datapointsToAlarm: 3 },
    );

    this.add(
      'AuroraCpu',
      `Aurora CPU above ${auroraCpuPercent} %`,
      data.cluster.metricCPUUtilization({ period: fiveMinutes, statistic: 'Maximum' }),
      { threshold: auroraCpuPercent, evaluationPeriods: 3 },
    );
    data.cluster.instanceIdentifiers.forEach((instance, i) => {
      const dimensionsMap = { DBInstanceIdentifier: instance };
      this.add(
        `AuroraFreeableMemory${i}`,
        `Aurora instance ${i} has less than ${auroraFreeableMemoryBytes / 1024 / 1024} MiB freeable memory`,
        new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName: 'FreeableMemory',
          dimensionsMap,
          period: fiveMinutes,
          statistic: 'Minimum',
        }),
        {
          threshold: auroraFreeableMemoryBytes,
          comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        },
      );
      // Only the current reader reports lag; after a failover the other instance does.
      this.add(
        `AuroraReplicaLag${i}`,
        `Aurora instance ${i} lags the writer by more than ${auroraReplicaLagMs} ms`,
        new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName: 'AuroraReplicaLag',
          dimensionsMap,
          period: minute,
          statistic: 'Maximum',
        }),
        { threshold: auroraReplicaLagMs, evaluationPeriods: 5, datapointsToAlarm: 3 },
      );
    });

    data.cacheNodeIds.forEach((node, i) => {
      const nodeMetric = (metricName: string, period: Duration) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: node },
          period,
          statistic: 'Maximum',
        });
      this.add(
        `RedisEngineCpu${i}`,
        `Redis node ${node}: engine CPU above ${redisCpuPercent} %`,
        nodeMetric('EngineCPUUtilization', fiveMinutes),
        { threshold: redisCpuPercent, evaluationPeriods: 3 },
      );
      // noeviction: at 100 % Redis refuses writes, so BullMQ cannot take new jobs.
      this.add(
        `RedisMemory${i}`,
        `Redis node ${node}: memory above ${redisMemoryPercent} % (writes stop at 100 %)`,
        nodeMetric('DatabaseMemoryUsagePercentage', fiveMinutes),
        { threshold: redisMemoryPercent },
      );
      this.add(
        `RedisReplicationLag${i}`,
        `Redis node ${node}: replica more than ${redisReplicationLagSeconds} s behind`,
        nodeMetric('ReplicationLag', minute),
        { threshold: redisReplicationLagSeconds, evaluationPeriods: 5, datapointsToAlarm: 3 },
      );
    });
  }

  private add(
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    options: {
      threshold: number;
      comparison?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      missing?: cloudwatch.TreatMissingData;
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold: options.threshold,
      comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      treatMissingData: options.missing ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}

/** A metric the queue-metrics publisher writes for the chat queue. */
export function chatMetric(metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: queueMetricsNamespace,
    metricName,
    dimensionsMap: { [queueDimensionName]: catalog.chat.name },
    period: minute,
    statistic,
  });
}
