import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { closeMarginSeconds, fleets } from '../../shared/scaling/fleets.config';
import { ecsMaxStopTimeoutSeconds, workerScalingFor } from '../lib/scaling';
import { refOf, useStack } from './synth';

const stack = useStack();

describe('workerScalingFor', () => {
  it('takes every number from the shared fleet config', () => {
    for (const fleet of Object.values(fleets)) {
      const scaling = workerScalingFor(fleet);
      expect(scaling.minCapacity).toBe(fleet.min);
      expect(scaling.maxCapacity).toBe(fleet.max);
      expect(scaling.backlogPerTaskTarget).toBe(fleet.targetBacklogPerWorker);
      expect(scaling.scaleInCooldownSeconds).toBe(fleet.scaleDownWindowSeconds);
      expect(scaling.ageSteps).toEqual([
        { lowerSeconds: fleet.queueAgeSloSeconds, addTasks: 1 },
        { lowerSeconds: fleet.queueAgeSloSeconds * 2, addTasks: 2 },
        { lowerSeconds: fleet.queueAgeSloSeconds * 4, addTasks: 4 },
      ]);
    }
  });

  it('gives workers their drain deadline plus the close margin before SIGKILL', () => {
    for (const fleet of Object.values(fleets)) {
      expect(workerScalingFor(fleet).stopTimeoutSeconds).toBe(
        fleet.drainDeadlineSeconds + closeMarginSeconds,
      );
      expect(workerScalingFor(fleet).stopTimeoutSeconds).toBeLessThanOrEqual(ecsMaxStopTimeoutSeconds);
    }
  });

  it('refuses a drain ECS would cut short instead of killing mid-reply', () => {
    expect(() => workerScalingFor({ ...fleets.chat, drainDeadlineSeconds: 120 })).toThrow(
      /drainDeadlineSeconds \(120\) plus the close margin is 135 s, more than ECS's 120 s/,
    );
  });
});

/** The logical id of the ECS service whose task definition runs `entry`. */
function serviceRunning(entry: string): string {
  const taskIds = Object.entries(stack().resources('AWS::ECS::TaskDefinition'))
    .filter(([, task]) =>
      (task.Properties.ContainerDefinitions as { Command: string[] }[]).some((c) =>
        c.Command.includes(entry),
      ),
    )
    .map(([id]) => id);
  const service = Object.entries(stack().resources('AWS::ECS::Service')).find(([, svc]) =>
    taskIds.includes(refOf(svc.Properties.TaskDefinition) ?? ''),
  );
  if (!service) throw new Error(`no service runs ${entry}`);
  return service[0];
}

function scalableTargetOf(serviceId: string): [string, Record<string, unknown>] {
  const found = Object.entries(stack().resources('AWS::ApplicationAutoScaling::ScalableTarget')).find(
    ([, target]) => JSON.stringify(target.Properties.ResourceId).includes(serviceId),
  );
  if (!found) throw new Error(`no scalable target for ${serviceId}`);
  return [found[0], found[1].Properties];
}

function policiesOf(targetId: string): Record<string, unknown>[] {
  return Object.values(stack().resources('AWS::ApplicationAutoScaling::ScalingPolicy'))
    .map((p) => p.Properties)
    .filter((p) => refOf(p.ScalingTargetId) === targetId);
}

const workerFleets = [
  { name: 'chat', entry: 'dist/workers/chat/main.js', fleet: fleets.chat },
  { name: 'writer', entry: 'dist/workers/writer/main.js', fleet: fleets.writer },
] as const;

describe.each(workerFleets)('$name worker scaling', ({ entry, fleet }) => {
  it('scales between the fleet min and max', () => {
    const [, target] = scalableTargetOf(serviceRunning(entry));
    expect(target.MinCapacity).toBe(fleet.min);
    expect(target.MaxCapacity).toBe(fleet.max);
  });

  it('tracks backlog per running task at the fleet target, scaling in after the fleet window', () => {
    const [targetId] = scalableTargetOf(serviceRunning(entry));
    const tracking = policiesOf(targetId).find((p) => p.PolicyType === 'TargetTrackingScaling');
    const config = tracking?.TargetTrackingScalingPolicyConfiguration as {
      TargetValue: number;
      ScaleInCooldown: number;
      CustomizedMetricSpecification: { Metrics: { Id: string; Expression?: string; MetricStat?: unknown }[] };
    };
    expect(config.TargetValue).toBe(fleet.targetBacklogPerWorker);
    expect(config.ScaleInCooldown).toBe(fleet.scaleDownWindowSeconds);
    const expression = config.CustomizedMetricSpecification.Metrics.find((m) => m.Expression);
    expect(expression?.Expression).toMatch(/\/ IF\(tasks > 0, tasks, 1\)$/);
    const tasks = config.CustomizedMetricSpecification.Metrics.find((m) => m.Id === 'tasks');
    expect(JSON.stringify(tasks)).toContain('RunningTaskCount');
    expect(JSON.stringify(tasks)).toContain(serviceRunning(entry));
  });

  it('adds 1, 2 and 4 tasks as the oldest message passes 1×, 2× and 4× the age SLO', () => {
    const [targetId] = scalableTargetOf(serviceRunning(entry));
    const step = policiesOf(targetId).find((p) => p.PolicyType === 'StepScaling');
    const config = step?.StepScalingPolicyConfiguration as {
      StepAdjustments: { MetricIntervalLowerBound: number; ScalingAdjustment: number }[];
    };
    // Step bounds are relative to the alarm threshold, which sits at the SLO.
    expect(
      config.StepAdjustments.map((a) => [
        a.MetricIntervalLowerBound + fleet.queueAgeSloSeconds,
        a.ScalingAdjustment,
      ]),
    ).toEqual([
      [fleet.queueAgeSloSeconds, 1],
      [fleet.queueAgeSloSeconds * 2, 2],
      [fleet.queueAgeSloSeconds * 4, 4],
    ]);
    const alarm = Object.values(stack().resources('AWS::CloudWatch::Alarm')).find((a) =>
      JSON.stringify(a.Properties.AlarmActions ?? []).includes(
        JSON.stringify({ Ref: policyIdOf(targetId, 'StepScaling') }),
      ),
    );
    expect(alarm?.Properties.Threshold).toBe(fleet.queueAgeSloSeconds);
  });

  it('gives the worker its drain time before SIGKILL', () => {
    const container = Object.values(stack().resources('AWS::ECS::TaskDefinition'))
      .flatMap((t) => t.Properties.ContainerDefinitions as { Command: string[]; StopTimeout?: number }[])
      .find((c) => c.Command.includes(entry));
    expect(container?.StopTimeout).toBe(workerScalingFor(fleet).stopTimeoutSeconds);
    expect(container?.StopTimeout).toBeGreaterThan(fleet.drainDeadlineSeconds);
  });
});

function policyIdOf(targetId: string, type: string): string {
  const entry = Object.entries(stack().resources('AWS::ApplicationAutoScaling::ScalingPolicy')).find(
    ([, p]) => refOf(p.Properties.ScalingTargetId) === targetId && p.Properties.PolicyType === type,
  );
  if (!entry) throw new Error(`no ${type} policy on ${targetId}`);
  return entry[0];
}

describe('scaling metrics', () => {
  it('scales writers on SQS visible + in-flight messages and the SQS oldest-message age', () => {
    const json = JSON.stringify(
      policiesOf(scalableTargetOf(serviceRunning('dist/workers/writer/main.js'))[0]),
    );
    expect(json).toContain('ApproximateNumberOfMessagesVisible');
    expect(json).toContain('ApproximateNumberOfMessagesNotVisible');
    expect(json).toContain('(backlog0 + backlog1)');
    stack().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: fleets.writer.queueAgeSloSeconds,
      Period: 60,
      AlarmActions: Match.arrayWith([
        {
          Ref: policyIdOf(scalableTargetOf(serviceRunning('dist/workers/writer/main.js'))[0], 'StepScaling'),
        },
      ]),
    });
  });

  it('scales chat workers on the published BullMQ metrics', () => {
    const json = JSON.stringify(policiesOf(scalableTargetOf(serviceRunning('dist/workers/chat/main.js'))[0]));
    expect(json).toContain('"Namespace":"Aira/Queues"');
    expect(json).toContain('"MetricName":"Backlog"');
    expect(json).toContain('{"Name":"Queue","Value":"chat"}');
    stack().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Aira/Queues',
      MetricName: 'OldestAgeSeconds',
      Dimensions: [{ Name: 'Queue', Value: 'chat' }],
      Period: 60,
      AlarmActions: Match.arrayWith([
        { Ref: policyIdOf(scalableTargetOf(serviceRunning('dist/workers/chat/main.js'))[0], 'StepScaling') },
      ]),
    });
  });

  it('scales the gateway on open connections per task, with CPU as a backstop', () => {
    const gateway = serviceRunning('dist/services/gateway/main.js');
    const [targetId, target] = scalableTargetOf(gateway);
    expect(target.MinCapacity).toBe(2);
    expect(target.MaxCapacity).toBe(10);
    const policies = policiesOf(targetId);
    expect(policies).toHaveLength(2);
    const connections = policies.find((p) => p.PolicyName === 'connections-per-task')
      ?.TargetTrackingScalingPolicyConfiguration as {
      TargetValue: number;
      CustomizedMetricSpecification: { Metrics: { Id: string; Expression?: string }[] };
    };
    expect(connections.TargetValue).toBe(4000);
    const json = JSON.stringify(connections);
    expect(json).toContain('"MetricName":"ActiveConnectionCount"');
    expect(json).toContain('"Namespace":"AWS/ApplicationELB"');
    const [albId] = Object.keys(stack().resources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(json).toContain(`"Fn::GetAtt":["${albId}","LoadBalancerFullName"]`);
    expect(json).toContain(gateway);
    expect(connections.CustomizedMetricSpecification.Metrics.find((m) => m.Expression)?.Expression).toBe(
      '(connections0) / IF(tasks > 0, tasks, 1)',
    );
    const cpu = policies.find((p) => JSON.stringify(p).includes('ECSServiceAverageCPUUtilization'));
    expect(cpu?.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: 70 });
    expect(JSON.stringify(policies)).not.toContain('ALBRequestCountPerTarget');
  });

  it('never scales the workers on CPU: they wait on the LLM and the database', () => {
    for (const entry of ['dist/workers/chat/main.js', 'dist/workers/writer/main.js']) {
      const json = JSON.stringify(policiesOf(scalableTargetOf(serviceRunning(entry))[0]));
      expect(json).not.toContain('CPUUtilization');
      expect(json).not.toContain('MemoryUtilization');
    }
  });

  it('leaves the desired count of scaled services to auto scaling', () => {
    for (const entry of [
      'dist/services/gateway/main.js',
      'dist/workers/chat/main.js',
      'dist/workers/writer/main.js',
    ]) {
      expect(
        stack().resources('AWS::ECS::Service')[serviceRunning(entry)]?.Properties.DesiredCount,
      ).toBeUndefined();
    }
  });
});
