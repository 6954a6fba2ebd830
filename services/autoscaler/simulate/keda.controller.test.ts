import { describe, expect, it } from 'vitest';
import type { Controller } from './controller.types';
import { createKedaController } from './keda.controller';
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

/** Drives the controller tick by tick from `from` to `to`, feeding back its own answer. */
function drive(
  c: Controller,
  from: number,
  to: number,
  desired: number,
  seen: Omit<Partial<FleetView>, 't' | 'desired'>,
) {
  const trail: number[] = [];
  for (let t = from; t <= to; t++) {
    desired = c.next(view({ t, desired, ...seen }));
    trail.push(desired);
  }
  return { desired, trail };
}

describe('KEDA + HPA defaults', () => {
  it('changes the replica count only on the 15 s HPA sync', () => {
    const keda = createKedaController({ min: 1, max: 50 });
    const { trail } = drive(keda, 1, 15, 1, { waiting: 40 });
    expect(trail.slice(0, 14).every((n) => n === 1)).toBe(true);
    expect(trail[14]).toBe(5);
  });

  it('scales up at most +100 % or +4 pods per sync, whichever is more', () => {
    const keda = createKedaController({ min: 1, max: 50 });
    expect(keda.next(view({ t: 15, desired: 1, waiting: 1000 }))).toBe(5);
    expect(keda.next(view({ t: 30, desired: 5, waiting: 1000 }))).toBe(10);
    expect(keda.next(view({ t: 45, desired: 10, waiting: 1000 }))).toBe(20);
    expect(keda.next(view({ t: 60, desired: 20, waiting: 1000 }))).toBe(40);
    expect(keda.next(view({ t: 75, desired: 40, waiting: 1000 }))).toBe(50);
  });

  it('holds within the 10 % tolerance', () => {
    const keda = createKedaController({ min: 1, max: 50 });
    expect(keda.next(view({ t: 15, desired: 4, waiting: 21 }))).toBe(4);
    expect(keda.next(view({ t: 30, desired: 4, waiting: 23 }))).toBe(5);
  });

  it('scales down only to the highest recommendation of the last 300 s, then all at once', () => {
    const keda = createKedaController({ min: 1, max: 50 });
    expect(keda.next(view({ t: 15, desired: 10, waiting: 50 }))).toBe(10);
    const { trail } = drive(keda, 16, 330, 10, { waiting: 0 });
    expect(trail.slice(0, 315 - 16).every((n) => n === 10)).toBe(true);
    expect(trail.at(-1)).toBe(1);
  });

  it('sees only waiting jobs: a fleet busy with running jobs scales in anyway', () => {
    const keda = createKedaController({ min: 1, max: 50 });
    const { desired } = drive(keda, 1, 400, 6, { waiting: 0, active: 96 });
    expect(desired).toBe(1);
  });

  it('wakes a fleet at zero only on its 30 s poll, and puts it back to sleep after the cooldown', () => {
    const keda = createKedaController({ min: 0, max: 10 });
    expect(keda.next(view({ t: 10, desired: 0, waiting: 1 }))).toBe(0);
    expect(keda.next(view({ t: 30, desired: 0, waiting: 1 }))).toBe(1);
    const { trail } = drive(keda, 31, 360, 1, { waiting: 0 });
    expect(trail[329 - 31]).toBe(1);
    expect(trail[330 - 31]).toBe(0);
    expect(trail.at(-1)).toBe(0);
  });

  it('kills after the 30 s termination grace and picks any pod', () => {
    const keda = createKedaController({ min: 1, max: 10 });
    expect(keda.stopGraceSeconds).toBe(30);
    expect(keda.retire).toBe('random');
  });
});
