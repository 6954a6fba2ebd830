import { describe, expect, it } from 'vitest';
import {
  greedyReady,
  lowerBoundWorkerSeconds,
  type OraclePlanInput,
  planFleet,
  requiredReady,
} from './oracle.plan';
import { runOracle } from './oracle.sim';
import { createRandom } from './random.model';
import { runSimulation } from './run.sim';
import { chatReplyTime, chatWorkerCpu } from './scenario.sim';
import { buildWorkload, jobsAt, type Workload } from './workload.model';

const input = (workload: Workload, partial: Partial<OraclePlanInput> = {}): OraclePlanInput => ({
  workload,
  concurrency: 1,
  sloSeconds: 2,
  startupSeconds: 0,
  min: 0,
  initialWorkers: 0,
  ...partial,
});

describe('requiredReady', () => {
  it('counts a job from its deadline until it could have ended at the earliest', () => {
    // Arrives at 0.5: must start before the end of tick 3 (age 2.5 > 2 at t = 3), runs 10 s.
    const ready = requiredReady(input(jobsAt([[0.5, 10]], 20)));
    expect([...ready.slice(0, 12)]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('needs nothing for a job short enough to be done by its deadline, and min otherwise', () => {
    expect([...requiredReady(input(jobsAt([[0.5, 1]], 6), { min: 1 }))]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('divides running jobs by the concurrency, rounding up', () => {
    const jobs: Array<[number, number]> = Array.from({ length: 5 }, () => [0.5, 10]);
    const ready = requiredReady(input(jobsAt(jobs, 20), { concurrency: 2 }));
    expect(ready[5]).toBe(3);
  });

  it('ignores deadlines past the end of the trace: no tick end sees them', () => {
    expect([...requiredReady(input(jobsAt([[8.5, 10]], 10)))].every((n) => n === 0)).toBe(true);
  });
});

describe('planFleet', () => {
  it('starts a worker a start-up ahead of its need and pays the tick it retires in', () => {
    const ready = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
    const plan = planFleet(ready, { startupSeconds: 3, initialWorkers: 0 });
    expect([...plan.desired]).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(plan.workerSeconds).toBe(3 + 3 + 1);
  });

  it('keeps a worker through a gap cheaper than a restart, and restarts it after a long one', () => {
    const short = Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const plan = planFleet(short, { startupSeconds: 2, initialWorkers: 1 });
    // The 2-tick gap is bridged; the 9-tick gap is not: off at 6, on again 2 s before tick 15.
    expect([...plan.desired]).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('pays for the workers running at the start through tick 0, whatever the need', () => {
    const plan = planFleet(Int32Array.from([0, 0, 0, 0]), { startupSeconds: 2, initialWorkers: 3 });
    expect([...plan.desired]).toEqual([3, 0, 0, 0]);
    expect(plan.workerSeconds).toBe(3 * 2);
  });

  it('nests workers: the fleet never asks for a worker above one it has let go', () => {
    const ready = Int32Array.from([1, 3, 2, 3, 1, 1, 4, 2, 0, 0, 2]);
    const { desired } = planFleet(ready, { startupSeconds: 1, initialWorkers: 1 });
    for (let t = 0; t < ready.length; t++) expect(desired[t]).toBeGreaterThanOrEqual(ready[t]!);
  });
});

describe('greedyReady', () => {
  it('starts each job by its deadline on the fewest workers, one at a time for one-slot jobs', () => {
    // Two 5 s jobs arriving together need two slots: the second cannot wait 5 s.
    const ready = greedyReady(
      input(
        jobsAt(
          [
            [0.1, 5],
            [0.2, 5],
          ],
          8,
        ),
        { min: 0 },
      ),
    );
    expect(Math.max(...ready)).toBe(2);
    // Jobs spaced wider than their length share one slot.
    const spaced = greedyReady(
      input(
        jobsAt(
          [
            [0.1, 1],
            [2.1, 1],
            [4.1, 1],
          ],
          8,
        ),
        { min: 1 },
      ),
    );
    expect(Math.max(...spaced)).toBe(1);
  });
});

describe('the oracle', () => {
  const arrivals = Array.from({ length: 900 }, (_, t) => (t >= 300 && t < 420 ? 12 : t % 2));
  const workload = buildWorkload(arrivals, chatReplyTime, createRandom(3));
  const options = {
    workload,
    model: { concurrency: 4, startupSeconds: 10, random: createRandom(4), cpu: chatWorkerCpu },
    initialWorkers: 1,
    sloSeconds: 2,
    drainLimitSeconds: 3600,
    min: 1,
    drainSeconds: 120,
  };

  it('keeps every minute within the SLO, as measured by the queue model, above the lower bound', () => {
    const { run, lowerBoundWorkerSeconds: bound } = runOracle(options);
    expect(run.summary.policy).toBe('oracle');
    expect(run.summary.minutesWithinSlo).toBe(1);
    expect(run.summary.completedAfterDrain).toBe(workload.count);
    expect(bound).toBeGreaterThan(0);
    expect(bound).toBeLessThanOrEqual(run.summary.workerSeconds);
  });

  it('has a lower bound no fixed fleet meeting the SLO beats', () => {
    const bound = lowerBoundWorkerSeconds({
      workload,
      concurrency: 4,
      sloSeconds: 2,
      startupSeconds: 10,
      min: 1,
      initialWorkers: 1,
    });
    let met = 0;
    for (const size of [8, 12, 16, 24]) {
      const fixed = runSimulation({
        ...options,
        initialWorkers: size,
        controller: { name: 'fixed', next: () => size, stopGraceSeconds: 120, retire: 'least-busy' },
      });
      if (fixed.summary.minutesWithinSlo < 1) continue;
      met++;
      expect(fixed.summary.workerSeconds).toBeGreaterThanOrEqual(bound);
    }
    expect(met).toBeGreaterThan(0);
  });

  it('is at least the work itself over the concurrency', () => {
    const bound = lowerBoundWorkerSeconds(input(workload, { concurrency: 4, min: 1, initialWorkers: 1 }));
    let work = 0;
    for (let j = 0; j < workload.count; j++)
      if (workload.arrivalAt[j]! + workload.durationSeconds[j]! < 880) work += workload.durationSeconds[j]!;
    expect(bound).toBeGreaterThanOrEqual(work / 4);
  });
});
