import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FleetScaling, fleets } from '../../../shared/scaling/fleets.config';
import { type Decision, decide, rememberDecision } from '../../../shared/scaling/policy';
import { createAiraController } from './aira.controller';
import type { Controller } from './controller.types';
import type { FleetView } from './queue.model';
import { createRandom, meanJobSeconds } from './random.model';
import { replaceGenerated } from './report.markdown';
import { quantile, runSimulation } from './run.sim';
import { chatReplyTime, chatWorkerCpu, fleetForPeak, openingFleet, runScenario } from './scenario.sim';
import { formatTrace, parseTrace } from './trace.reader';
import { buildWorkload } from './workload.model';

/** The numbers these cases were worked out with (production's are in fleets.config and may change). */
const chat: FleetScaling = { ...fleets.chat, concurrency: 16, targetBacklogPerWorker: 16 };

const fixed = (n: number): Controller => ({
  name: `fixed-${n}`,
  next: () => n,
  stopGraceSeconds: 30,
  retire: 'random',
});

describe('runSimulation', () => {
  it('finishes every job of a trace and measures the window', () => {
    const arrivals = Array.from({ length: 300 }, (_, t) => (t < 120 ? 5 : 0));
    const workload = buildWorkload(arrivals, chatReplyTime, createRandom(5));
    const { summary, completions, series } = runSimulation({
      workload,
      controller: fixed(2),
      model: { concurrency: 16, startupSeconds: 2, random: createRandom(6), cpu: chatWorkerCpu },
      initialWorkers: 2,
      sloSeconds: 2,
      drainLimitSeconds: 600,
    });
    expect(summary.completedAfterDrain).toBe(600);
    expect(completions.every((n) => n === 1)).toBe(true);
    expect(summary.workerSeconds).toBe(2 * 300);
    expect(series.workers.every((n) => n === 2)).toBe(true);
    expect(summary.minutesWithinSlo).toBe(1);
    expect(summary.interrupted).toBe(0);
  });

  it('counts minutes over the SLO when nothing serves the queue', () => {
    const workload = buildWorkload(new Array(180).fill(1), chatReplyTime, createRandom(5));
    const { summary } = runSimulation({
      workload,
      controller: fixed(0),
      model: { concurrency: 16, startupSeconds: 2, random: createRandom(6), cpu: chatWorkerCpu },
      initialWorkers: 0,
      sloSeconds: 2,
      drainLimitSeconds: 10,
    });
    expect(summary.completedAfterDrain).toBe(0);
    expect(summary.minutesWithinSlo).toBe(0);
    expect(summary.maxAgeSeconds).toBeGreaterThan(179);
  });

  it('quantile is nearest-rank', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantile(sorted, 0.5)).toBe(5);
    expect(quantile(sorted, 0.99)).toBe(10);
    expect(quantile(new Float64Array(0), 0.99)).toBe(0);
  });
});

describe('Aira controller', () => {
  const view: FleetView = {
    t: 10,
    desired: 2,
    starting: 0,
    ready: 2,
    waiting: 150,
    active: 32,
    oldestAgeSeconds: 4,
    oldestUnansweredSeconds: 4,
    cpuPercent: 40,
    inService: 30,
    arrived: 1000,
    completed: 850,
  };

  it('asks the real policy, with backlog = waiting + active', () => {
    const aira = createAiraController(chat, { intervalSeconds: 5 });
    const expected = decide(
      { backlog: 182, oldestAgeSeconds: 4, currentWorkers: 2, startingWorkers: 0, now: 10_000 },
      chat,
      [],
    );
    expect(aira.next(view)).toBe(expected.desired);
    expect(expected.desired).toBe(6);
  });

  it('decides only on its poll interval and drains for the fleet deadline', () => {
    const aira = createAiraController(chat, { intervalSeconds: 5 });
    expect(aira.next({ ...view, t: 11 })).toBe(2);
    expect(aira.stopGraceSeconds).toBe(chat.drainDeadlineSeconds);
    expect(aira.retire).toBe('least-busy');
    expect(aira.sharesProviderBudget).toBe(true);
  });

  it('gives the policy the flow: rates over its window, jobs in service, start-up and budget', () => {
    const provider = { requestsPerMinute: 600, tokensPerMinute: 1e9, tokensPerJob: 1 };
    const aira = createAiraController(chat, { intervalSeconds: 5, startupSeconds: 60, provider });
    const at = (t: number): FleetView => ({
      ...view,
      t,
      desired: 8,
      ready: 8,
      waiting: 0,
      active: 120,
      oldestAgeSeconds: null,
      oldestUnansweredSeconds: null,
      inService: 120,
      arrived: 40 * t,
      completed: 40 * t,
    });
    let history: Decision[] = [];
    for (let t = 1; t <= 30; t++) {
      const got = aira.next(at(t));
      if (t % 5 !== 0) continue;
      const since = Math.max(1, t - 10);
      const expected = decide(
        {
          backlog: 120,
          oldestAgeSeconds: null,
          currentWorkers: 8,
          startingWorkers: 0,
          now: t * 1000,
          active: 120,
          arrivalsPerSecond: (40 * t - 40 * since) / (t - since),
          completionsPerSecond: (40 * t - 40 * since) / (t - since),
          startupSeconds: 60,
          provider,
        },
        chat,
        history,
      );
      history = rememberDecision(history, expected, chat);
      expect(got).toBe(expected.desired);
    }
    // 40 arrivals/s × 3 s per job is 120 jobs in service; the budget serves 10 calls/s: 2 workers.
    expect(history.at(-1)!.reason).toContain('arrivals 40/s, × 3 s per job want');
    expect(history.at(-1)!.reason).toContain('provider budget: 600 requests/min');
  });
});

describe('scenarios', () => {
  it('raises max to what a trace peak needs, never lowers it', () => {
    expect(fleetForPeak(chat, [500], chatReplyTime).max).toBe(
      Math.ceil((500 * 3 * Math.exp(0.32) * 1.25) / 16),
    );
    expect(fleetForPeak(chat, [1], chatReplyTime).max).toBe(chat.max);
  });

  it('starts every policy with the fleet the first minute keeps busy, within min and max', () => {
    expect(openingFleet(chat, new Array(60).fill(50), chatReplyTime)).toBe(
      Math.ceil((50 * meanJobSeconds(chatReplyTime)) / 16),
    );
    expect(openingFleet(chat, new Array(60).fill(500), chatReplyTime)).toBe(chat.max);
    expect(openingFleet(chat, [0, 1, 0], chatReplyTime)).toBe(chat.min);
  });

  const arrivals = Array.from({ length: 900 }, (_, t): number =>
    t >= 300 && t < 360 ? 15 : t % 3 === 0 ? 1 : 0,
  );
  const scenario = {
    trace: 'test',
    arrivals,
    fleet: chat,
    startupSeconds: 2,
    seed: 1,
    airaIntervalSeconds: 5,
    jobTime: chatReplyTime,
  };
  const arrivalsTotal = arrivals.reduce((a, b) => a + b, 0);

  it('runs the three policies and the oracle on the same jobs, and each finishes every job once', () => {
    const { runs, lowerBoundWorkerSeconds } = runScenario(scenario);
    expect(runs.map((r) => r.summary.policy)).toEqual(['aira', 'keda', 'cdk', 'oracle']);
    for (const run of runs) {
      expect(run.summary.arrivals).toBe(arrivalsTotal);
      expect(run.summary.completedAfterDrain).toBe(arrivalsTotal);
      expect(run.completions.every((n) => n === 1)).toBe(true);
    }
    expect(runs[0]!.summary.interrupted).toBe(0);
    expect(runs[0]!.summary.peakWorkers).toBeGreaterThan(chat.min);
    const oracle = runs[3]!.summary;
    expect(oracle.minutesWithinSlo).toBe(1);
    expect(lowerBoundWorkerSeconds).toBeLessThanOrEqual(oracle.workerSeconds);
    for (const run of runs)
      if (run.summary.minutesWithinSlo === 1)
        expect(run.summary.workerSeconds).toBeGreaterThanOrEqual(lowerBoundWorkerSeconds!);
  });

  it('under a provider budget, caps Aira at what the budget serves while KEDA and CDK collect 429s', () => {
    const provider = { requestsPerMinute: 120, tokensPerMinute: 1e9, tokensPerJob: 1 };
    const { runs, lowerBoundWorkerSeconds } = runScenario({ ...scenario, provider });
    expect(runs.map((r) => r.summary.policy)).toEqual(['aira', 'keda', 'cdk']);
    expect(lowerBoundWorkerSeconds).toBeUndefined();
    const [aira, keda] = runs.map((r) => r.summary);
    expect(aira!.rejectedCalls).toBe(0);
    expect(keda!.rejectedCalls).toBeGreaterThan(0);
    // 2 calls/s × about 4 s per reply keep 9 slots busy: one worker of 16.
    expect(aira!.peakWorkers).toBeLessThanOrEqual(2);
    expect(keda!.peakWorkers).toBeGreaterThan(aira!.peakWorkers);
    for (const run of runs) expect(run.summary.completedAfterDrain).toBe(arrivalsTotal);
  });
});

describe('traces', () => {
  it('round-trips, fills skipped seconds with zero and rejects malformed rows', () => {
    expect(parseTrace(formatTrace([1, 0, 3]), 'x')).toEqual([1, 0, 3]);
    expect(parseTrace('time_s,arrivals\n0,2\n3,1\n', 'x')).toEqual([2, 0, 0, 1]);
    expect(() => parseTrace('t,n\n0,1', 'x.csv')).toThrow('x.csv: the first line must be "time_s,arrivals"');
    expect(() => parseTrace('time_s,arrivals\n0,-1', 'x.csv')).toThrow('row 2');
    expect(() => parseTrace('time_s,arrivals\n2,1\n1,1', 'x.csv')).toThrow('goes back in time');
  });

  it('ships the three traces the report is built from', () => {
    const read = (name: string) =>
      parseTrace(readFileSync(join(import.meta.dirname, 'traces', `${name}.csv`), 'utf8'), name);
    expect(read('steady-day')).toHaveLength(7200);
    expect(read('spike')).toHaveLength(3600);
    const diurnal = read('diurnal-1000x');
    expect(diurnal).toHaveLength(3600);
    expect(Math.max(...diurnal)).toBeGreaterThan(400);
    expect(Math.min(...diurnal)).toBeLessThan(100);
  });
});

describe('generated summary block', () => {
  it('replaces only the block between its markers, or appends one', () => {
    const doc = `# Title\n\nbefore\n\n${replaceGenerated('', 'old table').trim()}\n\nafter\n`;
    const updated = replaceGenerated(doc, 'new table');
    expect(updated).toContain('new table');
    expect(updated).not.toContain('old table');
    expect(updated.startsWith('# Title\n\nbefore\n\n')).toBe(true);
    expect(updated.endsWith('\n\nafter\n')).toBe(true);
  });
});
