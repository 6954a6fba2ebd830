import { describe, expect, it } from 'vitest';
import { ageStepsFor, awsScalingFor } from './aws-scaling';
import { fleets } from './fleets.config';

describe('awsScalingFor', () => {
  it('derives the chat fleet from its numbers', () => {
    const chat = awsScalingFor('chat');
    expect(chat).toMatchObject({
      minCapacity: fleets.chat.min,
      maxCapacity: fleets.chat.max,
      backlogPerTaskTarget: fleets.chat.targetBacklogPerWorker,
      scaleInCooldownSeconds: 60,
      scaleOutCooldownSeconds: 60,
      ageStepCooldownSeconds: 60,
      stopTimeoutSeconds: 120,
    });
    expect(chat.ageSteps).toEqual([
      { lower: 2, upper: 4, change: 1 },
      { lower: 4, upper: 8, change: 2 },
      { lower: 8, change: 4 },
    ]);
    expect(chat.ageMetric).toEqual({
      namespace: 'Aira',
      metricName: 'aira_queue_oldest_age_seconds',
      dimensions: { queue: 'chat', transport: 'bullmq' },
      statistic: 'Maximum',
    });
    expect(chat.backlogMetrics.map((m) => m.dimensions.state)).toEqual(['waiting', 'prioritized', 'active']);
  });

  it('derives the writer fleet from its numbers, on the SQS metrics', () => {
    const writer = awsScalingFor('writer');
    expect(writer).toMatchObject({
      minCapacity: 1,
      maxCapacity: 4,
      backlogPerTaskTarget: 200,
      scaleInCooldownSeconds: 120,
      // The 60 s drain plus the close margin.
      stopTimeoutSeconds: 75,
    });
    expect(writer.ageSteps.map((s) => s.lower)).toEqual([10, 20, 40]);
    expect(writer.ageMetric).toMatchObject({
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: 'aira-writes.fifo' },
    });
    expect(writer.backlogMetrics.map((m) => m.metricName)).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesNotVisible',
    ]);
  });

  it('follows a change to the fleet numbers', () => {
    const custom = awsScalingFor('chat', { ...fleets.chat, min: 0, max: 40, scaleDownWindowSeconds: 300 });
    expect(custom).toMatchObject({ minCapacity: 0, maxCapacity: 40, scaleInCooldownSeconds: 300 });
  });

  it('caps the stop timeout at what Fargate allows', () => {
    expect(awsScalingFor('chat', { ...fleets.chat, drainDeadlineSeconds: 600 }).stopTimeoutSeconds).toBe(120);
  });
});

describe('ageStepsFor', () => {
  it('caps every step at maxStepUp and never adds nothing', () => {
    expect(ageStepsFor({ ...fleets.chat, maxStepUp: 1 }).map((s) => s.change)).toEqual([1, 1, 1]);
    expect(ageStepsFor({ ...fleets.chat, maxStepUp: 3 }).map((s) => s.change)).toEqual([1, 2, 3]);
  });

  it('gives contiguous intervals from the SLO up, as CDK requires', () => {
    const steps = ageStepsFor(fleets.writer);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.lower).toBe(steps[i - 1]!.upper);
    expect(steps[0]!.lower).toBe(fleets.writer.queueAgeSloSeconds);
    expect(steps.at(-1)!.upper).toBeUndefined();
  });
});
