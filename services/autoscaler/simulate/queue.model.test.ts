import { describe, expect, it } from 'vitest';
import { createQueueModel, type QueueModelOptions } from './queue.model';
import { createRandom } from './random.model';
import { buildWorkload, jobsAt } from './workload.model';

const cpu = { idlePercent: 2, perJobPercent: 2.5 };

function options(partial: Partial<QueueModelOptions> = {}): QueueModelOptions {
  return {
    concurrency: 1,
    startupSeconds: 0,
    stopGraceSeconds: 120,
    retire: 'least-busy',
    random: createRandom(7),
    cpu,
    ...partial,
  };
}

describe('queue model', () => {
  it('completes every arrival exactly once, through random scaling, kills and requeues', () => {
    const random = createRandom(11);
    const arrivals = Array.from({ length: 600 }, () => random.poisson(4));
    const workload = buildWorkload(arrivals, { medianSeconds: 3, sigma: 1.2, maxSeconds: 90 }, random);
    for (const retire of ['least-busy', 'random'] as const) {
      const model = createQueueModel(
        workload,
        options({ concurrency: 4, startupSeconds: 3, stopGraceSeconds: 10, retire }),
      );
      let t = 0;
      for (; t < arrivals.length; t++) {
        model.step(t);
        model.scaleTo(random.int(8), t + 1);
      }
      model.scaleTo(4, t);
      for (; model.view(t).waiting + model.view(t).active > 0 && t < 10_000; t++) model.step(t);

      const { completions, completed, interrupted } = model.stats;
      expect(completed).toBe(workload.count);
      expect(completions.every((n) => n === 1)).toBe(true);
      expect(interrupted).toBeGreaterThan(0);
    }
  });

  it('does no work without workers', () => {
    const workload = buildWorkload(
      new Array(50).fill(2),
      { medianSeconds: 1, sigma: 0, maxSeconds: 10 },
      createRandom(1),
    );
    const model = createQueueModel(workload, options());
    for (let t = 0; t < 50; t++) model.step(t);
    const view = model.view(50);
    expect(model.stats.completed).toBe(0);
    expect(view).toMatchObject({ waiting: 100, active: 0, desired: 0, cpuPercent: 0 });
    expect(view.oldestAgeSeconds).toBeCloseTo(50 - 0.25);
    expect(model.stats.workerSeconds).toBe(0);
  });

  it('starts and ends jobs inside a tick, not on whole seconds', () => {
    const workload = jobsAt(
      [
        [0.25, 0.5],
        [0.5, 0.5],
      ],
      3,
    );
    const model = createQueueModel(workload, options());
    model.scaleTo(1, 0, { alreadyRunning: true });
    model.step(0);
    // Job 0 runs 0.25–0.75; job 1 waits for the slot, runs 0.75–1.25.
    expect(model.stats.completed).toBe(1);
    model.step(1);
    expect(model.stats.completed).toBe(2);
    expect(Array.from(model.stats.waitSeconds)).toEqual([0, 0.25]);
    expect(model.stats.workerSeconds).toBe(2);
  });

  it('takes no job from a worker that is still starting, but pays for it', () => {
    const workload = jobsAt([[0.5, 1]], 20);
    const model = createQueueModel(workload, options({ startupSeconds: 10 }));
    model.scaleTo(1, 0);
    for (let t = 0; t < 10; t++) model.step(t);
    expect(model.view(10)).toMatchObject({ waiting: 1, starting: 0, ready: 1 });
    expect(model.stats.workerSeconds).toBe(10);
    model.step(10);
    expect(model.stats.waitSeconds[0]).toBe(9.5);
  });

  it('lets a retiring worker drain within its grace, and kills and requeues after it', () => {
    for (const [grace, killed] of [
      [120, 0],
      [30, 1],
    ] as const) {
      const workload = jobsAt([[0.5, 100]], 200);
      const model = createQueueModel(workload, options({ stopGraceSeconds: grace }));
      model.scaleTo(1, 0, { alreadyRunning: true });
      model.step(0);
      model.scaleTo(0, 1);
      for (let t = 1; t < 40; t++) model.step(t);
      expect(model.stats.interrupted).toBe(killed);
      model.scaleTo(1, 40, { alreadyRunning: true });
      for (let t = 40; t < 200; t++) model.step(t);
      expect(model.stats.completed).toBe(1);
      expect(model.stats.completions[0]).toBe(1);
    }
  });

  it('retires the least busy worker first when asked to', () => {
    const workload = jobsAt(
      [
        [0.1, 50],
        [0.2, 50],
        [0.3, 50],
      ],
      5,
    );
    const model = createQueueModel(workload, options({ concurrency: 2, stopGraceSeconds: 10 }));
    model.scaleTo(2, 0, { alreadyRunning: true });
    model.step(0);
    model.scaleTo(1, 1);
    for (let t = 1; t < 20; t++) model.step(t);
    // The worker with one job retired and lost it (requeued); the one with two kept both.
    expect(model.stats.interrupted).toBe(1);
    expect(model.view(20)).toMatchObject({ active: 2, waiting: 1, desired: 1 });
  });

  it('cancels a start before retiring a serving worker', () => {
    const workload = jobsAt([[0.5, 50]], 5);
    const model = createQueueModel(workload, options({ startupSeconds: 30, stopGraceSeconds: 1 }));
    model.scaleTo(1, 0, { alreadyRunning: true });
    model.step(0);
    model.scaleTo(2, 1);
    expect(model.view(1)).toMatchObject({ desired: 2, starting: 1 });
    model.scaleTo(1, 2);
    for (let t = 2; t < 5; t++) model.step(t);
    expect(model.stats.interrupted).toBe(0);
    expect(model.alive()).toBe(1);
  });

  it('reports CPU from the jobs running on ready workers', () => {
    const workload = jobsAt(
      [
        [0, 10],
        [0, 10],
      ],
      3,
    );
    const model = createQueueModel(workload, options({ concurrency: 4 }));
    model.scaleTo(1, 0, { alreadyRunning: true });
    model.step(0);
    model.step(1);
    expect(model.view(2).cpuPercent).toBeCloseTo(2 + 2 * 2.5);
    expect(model.view(2).active).toBe(2);
  });
});
