import type { Controller } from './controller.types';

/**
 * What CDK's QueueProcessingFargateService sets up by default, on Application Auto Scaling:
 *
 * - Step scaling on the queue's ApproximateNumberOfMessagesVisible (waiting messages only), with
 *   CDK's default steps `[{ upper: 0, change: -1 }, { lower: 100, change: +1 }, { lower: 500, change: +5 }]`.
 *   SQS publishes the metric once a minute; CDK's queue metric is the Maximum over 5 minutes; the
 *   alarm has 1 evaluation period and re-invokes the policy every minute while in alarm. CDK sets no
 *   cooldown, so the service default of 300 s applies: a scale-out inside it adds only what a bigger
 *   step adds beyond the last one, a scale-in inside it is ignored.
 * - Target tracking on service CPU at 50 %: scale out after 3 one-minute datapoints above 50 %,
 *   scale in after 15 below 45 %, to ceil(tasks × CPU / 50), cooldowns 300 s. A queue worker that
 *   waits on an LLM barely uses CPU, so this policy keeps removing the tasks the queue policy adds.
 * - A stopped task gets the ECS default stopTimeout of 30 s; ECS picks which task stops.
 */
export interface CdkOptions {
  readonly min: number;
  readonly max: number;
  readonly steps: ReadonlyArray<{
    readonly lower?: number;
    readonly upper?: number;
    readonly change: number;
  }>;
  readonly metricPeriodSeconds: number;
  readonly stepCooldownSeconds: number;
  readonly cpuTargetPercent: number;
  readonly cpuScaleOutDatapoints: number;
  readonly cpuScaleInDatapoints: number;
  readonly cpuScaleInRatio: number;
  readonly cpuCooldownSeconds: number;
  readonly stopTimeoutSeconds: number;
}

export const cdkDefaults = {
  steps: [
    { upper: 0, change: -1 },
    { lower: 100, change: +1 },
    { lower: 500, change: +5 },
  ],
  metricPeriodSeconds: 300,
  stepCooldownSeconds: 300,
  cpuTargetPercent: 50,
  cpuScaleOutDatapoints: 3,
  cpuScaleInDatapoints: 15,
  cpuScaleInRatio: 0.9,
  cpuCooldownSeconds: 300,
  stopTimeoutSeconds: 30,
} as const;

const MINUTE = 60;

/** The step whose interval holds the value: lower bounds inclusive, upper bounds inclusive (CDK alarms use ≥ and ≤). */
function stepChange(steps: CdkOptions['steps'], value: number): number {
  let change = 0;
  for (const step of steps) {
    if (step.lower !== undefined && value >= step.lower) change = step.change;
  }
  for (const step of steps) {
    if (step.lower === undefined && step.upper !== undefined && value <= step.upper) change = step.change;
  }
  return change;
}

export function createCdkController(
  options: Pick<CdkOptions, 'min' | 'max'> & Partial<CdkOptions>,
): Controller {
  const o: CdkOptions = { ...cdkDefaults, ...options };
  const visible: number[] = [];
  const cpu: Array<number | null> = [];
  let cpuSum = 0;
  let cpuTicks = 0;
  let scaleOutUntil = Number.NEGATIVE_INFINITY;
  let scaleOutChange = 0;
  let scaleInUntil = Number.NEGATIVE_INFINITY;
  let cpuOutUntil = Number.NEGATIVE_INFINITY;
  let cpuInUntil = Number.NEGATIVE_INFINITY;

  return {
    name: 'cdk',
    stopGraceSeconds: o.stopTimeoutSeconds,
    retire: 'random',
    next(view) {
      const { t } = view;
      if (view.ready > 0) {
        cpuSum += view.cpuPercent;
        cpuTicks++;
      }
      if (t % MINUTE !== 0) return view.desired;

      visible.push(view.waiting);
      cpu.push(cpuTicks > 0 ? cpuSum / cpuTicks : null);
      cpuSum = 0;
      cpuTicks = 0;
      let desired = view.desired;

      const queueMetric = Math.max(...visible.slice(-o.metricPeriodSeconds / MINUTE));
      const change = stepChange(o.steps, queueMetric);
      if (change > 0) {
        if (t >= scaleOutUntil) {
          desired += change;
          scaleOutUntil = t + o.stepCooldownSeconds;
          scaleOutChange = change;
        } else if (change > scaleOutChange) {
          desired += change - scaleOutChange;
          scaleOutChange = change;
        }
      } else if (change < 0 && t >= scaleInUntil) {
        desired += change;
        scaleInUntil = t + o.stepCooldownSeconds;
      }

      // The two policies act on their own alarms; the CPU one sees the capacity the step one just set.
      const latest = cpu.at(-1);
      const high = cpu.slice(-o.cpuScaleOutDatapoints);
      const low = cpu.slice(-o.cpuScaleInDatapoints);
      if (
        latest != null &&
        high.length === o.cpuScaleOutDatapoints &&
        high.every((c) => c !== null && c > o.cpuTargetPercent)
      ) {
        const target = Math.ceil((desired * latest) / o.cpuTargetPercent);
        if (t >= cpuOutUntil && target > desired) {
          desired = target;
          cpuOutUntil = t + o.cpuCooldownSeconds;
        }
      } else if (
        latest != null &&
        low.length === o.cpuScaleInDatapoints &&
        low.every((c) => c !== null && c < o.cpuTargetPercent * o.cpuScaleInRatio)
      ) {
        const target = Math.ceil((desired * latest) / o.cpuTargetPercent);
        if (t >= cpuInUntil && target < desired) {
          desired = target;
          cpuInUntil = t + o.cpuCooldownSeconds;
        }
      }
      if (visible.length > 60) visible.shift();
      if (cpu.length > 60) cpu.shift();
      return Math.min(o.max, Math.max(o.min, desired));
    },
  };
}
