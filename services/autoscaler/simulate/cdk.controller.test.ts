import { describe, expect, it } from 'vitest';
import { createCdkController } from './cdk.controller';
import type { Controller } from './controller.types';
import type { FleetView } from './queue.model';

function view(partial: Partial<FleetView> & Pick<FleetView, 't' | 'desired'>): FleetView {
  return {
    starting: 0,
    ready: partial.desired,
    waiting: 0,
    active: 0,
    oldestAgeSeconds: null,
    oldestUnansweredSeconds: null,
    cpuPercent: 0,
    inService: 0,
    arrived: 0,
    completed: 0,
    ...partial,
  };
}

/** Feeds one minute of identical ticks ending at minute `m`; returns the answer at the minute mark. */
function minute(
  c: Controller,
  m: number,
  desired: number,
  seen: Omit<Partial<FleetView>, 't' | 'desired'>,
): number {
  let out = desired;
  for (let t = (m - 1) * 60 + 1; t <= m * 60; t++) out = c.next(view({ t, desired, ...seen }));
  return out;
}

describe('CDK QueueProcessingFargateService defaults', () => {
  it('acts only on the minute', () => {
    const cdk = createCdkController({ min: 1, max: 50 });
    for (let t = 1; t < 60; t++) expect(cdk.next(view({ t, desired: 2, waiting: 5000 }))).toBe(2);
    expect(cdk.next(view({ t: 60, desired: 2, waiting: 5000 }))).toBe(7);
  });

  it('adds +1 at 100 visible, then waits out the 300 s cooldown', () => {
    const cdk = createCdkController({ min: 1, max: 50 });
    const seen = { waiting: 150, cpuPercent: 48 };
    let desired = 2;
    const trail: number[] = [];
    for (let m = 1; m <= 11; m++) {
      desired = minute(cdk, m, desired, seen);
      trail.push(desired);
    }
    expect(trail).toEqual([3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5]);
  });

  it('inside a cooldown, a bigger step adds only its difference', () => {
    const cdk = createCdkController({ min: 1, max: 50 });
    expect(minute(cdk, 1, 2, { waiting: 150, cpuPercent: 48 })).toBe(3);
    expect(minute(cdk, 2, 3, { waiting: 800, cpuPercent: 48 })).toBe(7);
    expect(minute(cdk, 3, 7, { waiting: 800, cpuPercent: 48 })).toBe(7);
  });

  it('scales in by 1 only when the 5-minute maximum of visible messages is 0', () => {
    const cdk = createCdkController({ min: 1, max: 50 });
    expect(minute(cdk, 1, 4, { waiting: 50, cpuPercent: 48 })).toBe(4);
    const trail: number[] = [];
    let desired = 4;
    for (let m = 2; m <= 7; m++) {
      desired = minute(cdk, m, desired, { waiting: 0, cpuPercent: 48 });
      trail.push(desired);
    }
    expect(trail).toEqual([4, 4, 4, 4, 3, 3]);
  });

  it('lets CPU target tracking remove the tasks the queue steps added (the fight)', () => {
    const cdk = createCdkController({ min: 1, max: 50 });
    let desired = 10;
    for (let m = 1; m <= 14; m++) desired = minute(cdk, m, desired, { waiting: 50, cpuPercent: 20 });
    expect(desired).toBe(10);
    // Minute 15: 15 datapoints under 45 %; the backlog of 150 adds 1, CPU cuts to ceil(11 × 20 / 50).
    expect(minute(cdk, 15, desired, { waiting: 150, cpuPercent: 20 })).toBe(5);
  });

  it('scales out on CPU above 50 % for 3 minutes', () => {
    const cdk = createCdkController({ min: 1, max: 50 });
    let desired = 4;
    for (let m = 1; m <= 2; m++) desired = minute(cdk, m, desired, { waiting: 50, cpuPercent: 80 });
    expect(desired).toBe(4);
    expect(minute(cdk, 3, desired, { waiting: 50, cpuPercent: 80 })).toBe(7);
  });

  it('stops a task after the 30 s ECS stop timeout and picks any task', () => {
    const cdk = createCdkController({ min: 1, max: 10 });
    expect(cdk.stopGraceSeconds).toBe(30);
    expect(cdk.retire).toBe('random');
  });
});
