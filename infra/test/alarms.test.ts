import { describe, expect, it } from 'vitest';
import { catalog } from '../../shared/jobs/catalog';
import { fleets } from '../../shared/scaling/fleets.config';
import { refOf, useStack } from './synth';

const stack = useStack({ 'aira:alarmEmail': 'ops@example.com' });

interface AlarmProps {
  AlarmDescription?: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
}

/** Alarms that notify the topic (scaling alarms notify their policies instead). */
function topicAlarms(): AlarmProps[] {
  const [topicId] = Object.keys(stack().resources('AWS::SNS::Topic'));
  return Object.values(stack().resources('AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties as unknown as AlarmProps)
    .filter((a) => (a.AlarmActions ?? []).some((action) => refOf(action) === topicId));
}

function alarmOn(metricName: string, extra: (a: AlarmProps) => boolean = () => true): AlarmProps[] {
  return topicAlarms().filter((a) => a.MetricName === metricName && extra(a));
}

describe('alarms', () => {
  it('send both alarm and recovery to one SNS topic, with the e-mail subscribed', () => {
    const [topicId] = Object.keys(stack().resources('AWS::SNS::Topic'));
    expect(topicAlarms().length).toBeGreaterThanOrEqual(14);
    for (const alarm of topicAlarms()) expect((alarm.OKActions ?? []).map(refOf)).toContain(topicId);
    stack().template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('fire as soon as the DLQ holds a message', () => {
    const [dlqId] = Object.entries(stack().resources('AWS::SQS::Queue')).find(
      ([, q]) => q.Properties.QueueName === catalog.writes.deadLetter.name,
    ) ?? [''];
    const [alarm] = alarmOn('ApproximateNumberOfMessagesVisible');
    expect(JSON.stringify(alarm?.Dimensions)).toContain(dlqId);
    expect(alarm?.Threshold).toBe(0);
    expect(alarm?.ComparisonOperator).toBe('GreaterThanThreshold');
  });

  it('fire when either queue’s oldest message is older than its SLO', () => {
    const [writes] = alarmOn(
      'ApproximateAgeOfOldestMessage',
      (a) => a.AlarmDescription?.includes('SLO') ?? false,
    );
    expect(writes?.Threshold).toBe(fleets.writer.queueAgeSloSeconds);
    const [chat] = alarmOn('OldestAgeSeconds');
    expect(chat?.Namespace).toBe('Aira/Queues');
    expect(chat?.Threshold).toBe(fleets.chat.queueAgeSloSeconds);
  });

  it('fire when the chat queue metrics stop arriving', () => {
    const [missing] = alarmOn('Backlog');
    expect(missing?.ComparisonOperator).toBe('LessThanThreshold');
  });

  it('watch the gateway 5xx rate as a share of requests', () => {
    const rate = topicAlarms().find((a) => a.Metrics?.some((m) => m.Expression?.includes('requests')));
    const names = rate?.Metrics?.map((m) => m.MetricStat?.Metric.MetricName).filter(Boolean);
    expect(names).toEqual(
      expect.arrayContaining(['HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_5XX_Count', 'RequestCount']),
    );
    expect(rate?.Threshold).toBeGreaterThan(0);
  });

  it('watch Aurora CPU, freeable memory and replica lag', () => {
    expect(alarmOn('CPUUtilization', (a) => a.Namespace === 'AWS/RDS')).toHaveLength(1);
    expect(alarmOn('FreeableMemory')).toHaveLength(2);
    expect(alarmOn('AuroraReplicaLag')).toHaveLength(2);
  });

  it('watch Redis engine CPU, memory and replication lag on both nodes', () => {
    for (const metric of ['EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'ReplicationLag']) {
      const alarms = alarmOn(metric);
      expect(alarms.map((a) => a.Dimensions?.[0]?.Value)).toEqual(['aira-redis-001', 'aira-redis-002']);
    }
    const [group] = Object.values(stack().resources('AWS::ElastiCache::ReplicationGroup'));
    expect(group?.Properties.ReplicationGroupId).toBe('aira-redis');
  });
});
