import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetScaling } from './fleets.config';
import { type Decision, decide, type ScalingInput } from './policy';
import { type ProviderBudget, providerCap, recentFlow, serviceSeconds } from './policy.flow';

const NOW = 1_700_000_000_000;

const configArb: fc.Arbitrary<FleetScaling> = fc
  .record({
    min: fc.integer({ min: 0, max: 5 }),
    extra: fc.integer({ min: 0, max: 40 }),
    concurrency: fc.integer({ min: 1, max: 32 }),
    targetBacklogPerWorker: fc.integer({ min: 1, max: 300 }),
    queueAgeSloSeconds: fc.integer({ min: 1, max: 60 }),
    maxStepUp: fc.integer({ min: 1, max: 10 }),
    maxStepDown: fc.integer({ min: 1, max: 5 }),
    scaleDownWindowSeconds: fc.integer({ min: 0, max: 300 }),
  })
  .map(({ min, extra, ...rest }) => ({
    ...rest,
    min,
    max: Math.max(1, min + extra),
    drainDeadlineSeconds: 60,
  }));

const rateArb = fc.double({ min: 0, max: 500, noNaN: true });

/** What a queue reader gives about the flow: sometimes nothing, as before the first rates. */
const flowArb = fc.option(
  fc.record({
    arrivalsPerSecond: rateArb,
    completionsPerSecond: rateArb,
    active: fc.integer({ min: 0, max: 3000 }),
  }),
  { nil: undefined },
);

const historyArb: fc.Arbitrary<Decision[]> = fc
  .array(
    fc.record({
      secondsAgo: fc.integer({ min: 0, max: 400 }),
      rawDesired: fc.integer({ min: 0, max: 60 }),
      metricFailed: fc.boolean(),
      flow: flowArb,
    }),
    { maxLength: 30 },
  )
  .map((entries) =>
    entries
      .map(({ secondsAgo, rawDesired, metricFailed, flow }) => ({
        at: NOW - secondsAgo * 1000,
        current: rawDesired,
        rawDesired,
        desired: rawDesired,
        direction: 'hold' as const,
        reason: '',
        clamps: [],
        metricFailed,
        ...(flow && { flow: { at: NOW - secondsAgo * 1000, ...flow } }),
      }))
      .sort((a, b) => a.at - b.at),
  );

const budgetArb: fc.Arbitrary<ProviderBudget> = fc
  .record({
    requestsPerMinute: fc.integer({ min: 0, max: 100_000 }),
    tokensPerMinute: fc.integer({ min: 0, max: 10_000_000 }),
    tokensPerJob: fc.integer({ min: 1, max: 5000 }),
    waiting: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  })
  .map(({ waiting, ...budget }) => ({ ...budget, ...(waiting !== undefined && { waiting }) }));

const inputArb: fc.Arbitrary<ScalingInput> = fc
  .record({
    backlog: fc.integer({ min: 0, max: 20_000 }),
    oldestAgeSeconds: fc.option(fc.double({ min: 0, max: 900, noNaN: true }), { nil: null }),
    currentWorkers: fc.integer({ min: 0, max: 60 }),
    startingShare: fc.double({ min: 0, max: 1, noNaN: true }),
    flow: flowArb,
    startupSeconds: fc.option(fc.double({ min: 0, max: 300, noNaN: true }), { nil: undefined }),
    provider: fc.option(budgetArb, { nil: undefined }),
  })
  .map(({ startingShare, flow, startupSeconds, provider, ...rest }) => ({
    ...rest,
    startingWorkers: Math.floor(rest.currentWorkers * startingShare),
    now: NOW,
    ...flow,
    ...(startupSeconds !== undefined && { startupSeconds }),
    ...(provider && { provider }),
  }));

/** The same service time the policy sees: recent flow of the history and the input. */
function seenService(input: ScalingInput, history: Decision[]): number | undefined {
  const points = history.flatMap((d) => (d.flow ? [d.flow] : []));
  const { active, arrivalsPerSecond, completionsPerSecond } = input;
  if (active !== undefined && arrivalsPerSecond !== undefined && completionsPerSecond !== undefined)
    points.push({ at: input.now, active, arrivalsPerSecond, completionsPerSecond });
  return serviceSeconds(recentFlow(points, input.now));
}

const stepUpLimit = (current: number, c: FleetScaling) => current + Math.max(current, c.maxStepUp);

/** True when the window forbids a scale-down: not fully observed, or a decision in it did not want fewer. */
function windowForbidsDown(history: Decision[], current: number, c: FleetScaling): boolean {
  if (c.scaleDownWindowSeconds === 0) return false;
  const start = NOW - c.scaleDownWindowSeconds * 1000;
  const observed = history.some((d) => d.at <= start);
  const blocked = history.some((d) => d.at >= start && (d.metricFailed || d.rawDesired >= current));
  return !observed || blocked;
}

describe('decide (properties)', () => {
  it('stays within [min, max]', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        const d = decide(input, c, history);
        expect(d.desired).toBeGreaterThanOrEqual(c.min);
        expect(d.desired).toBeLessThanOrEqual(c.max);
      }),
    );
  });

  it('holds the current count, whatever it is, when the read failed', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, fc.boolean(), (c, input, history, asFlag) => {
        const failed = asFlag ? { ...input, metricError: 'boom' } : { ...input, backlog: undefined };
        const d = decide(failed, c, history);
        expect(d.desired).toBe(input.currentWorkers);
        expect(d.direction).toBe('hold');
        expect(d.clamps.map((x) => x.kind)).toEqual(['hold-on-error']);
      }),
    );
  });

  it('never steps up more than +100 % or +maxStepUp (unless lifting to min)', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        const d = decide(input, c, history);
        const liftedToMin = input.currentWorkers < c.min && d.desired === c.min;
        if (!liftedToMin) expect(d.desired).toBeLessThanOrEqual(stepUpLimit(input.currentWorkers, c));
      }),
    );
  });

  it('never steps down more than maxStepDown (unless dropping to max)', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        const d = decide(input, c, history);
        const droppedToMax = input.currentWorkers > c.max && d.desired === c.max;
        if (!droppedToMax) expect(input.currentWorkers - d.desired).toBeLessThanOrEqual(c.maxStepDown);
      }),
    );
  });

  it('never scales down inside the window', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        fc.pre(input.currentWorkers <= c.max && windowForbidsDown(history, input.currentWorkers, c));
        expect(decide(input, c, history).desired).toBeGreaterThanOrEqual(input.currentWorkers);
      }),
    );
  });

  it('never scales below what a decision in the window wanted', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        const d = decide(input, c, history);
        fc.pre(d.direction === 'down' && input.currentWorkers <= c.max);
        const start = NOW - c.scaleDownWindowSeconds * 1000;
        for (const h of history)
          if (h.at >= start) expect(d.desired).toBeGreaterThanOrEqual(Math.min(h.rawDesired, c.max));
      }),
    );
  });

  it('is monotone in backlog', () => {
    fc.assert(
      fc.property(
        configArb,
        inputArb,
        historyArb,
        fc.integer({ min: 0, max: 20_000 }),
        (c, input, history, more) => {
          const low = decide(input, c, history);
          const high = decide({ ...input, backlog: (input.backlog ?? 0) + more }, c, history);
          expect(high.desired).toBeGreaterThanOrEqual(low.desired);
        },
      ),
    );
  });

  it('runs at least one worker while anything is queued', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        fc.pre((input.backlog ?? 0) > 0);
        expect(decide(input, c, history).desired).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('never wants more workers than the provider budget keeps busy', () => {
    fc.assert(
      fc.property(configArb, inputArb, budgetArb, historyArb, (c, input, provider, history) => {
        const service = seenService(input, history);
        fc.pre(service !== undefined);
        const d = decide({ ...input, provider }, c, history);
        const cap = providerCap(provider, service!, c.concurrency).workers;
        expect(d.rawDesired).toBeLessThanOrEqual(cap);
        // It may hold above it (the window, min) but never grows past it.
        expect(d.desired).toBeLessThanOrEqual(Math.max(cap, c.min, Math.min(input.currentWorkers, c.max)));
      }),
    );
  });

  it('never adds workers while calls wait for the provider budget (but keeps one for a queue)', () => {
    fc.assert(
      fc.property(
        configArb,
        inputArb,
        budgetArb,
        historyArb,
        fc.integer({ min: 1, max: 500 }),
        (c, input, budget, history, waiting) => {
          const d = decide({ ...input, provider: { ...budget, waiting } }, c, history);
          expect(d.rawDesired).toBeLessThanOrEqual(Math.max(1, input.currentWorkers));
          expect(d.desired).toBeLessThanOrEqual(Math.max(c.min, 1, input.currentWorkers));
          // When the budget is what held it back, the reason says so.
          const { provider: _, ...without } = input;
          if (decide(without, c, history).rawDesired > Math.max(1, input.currentWorkers))
            expect(d.reason).toContain('provider budget');
        },
      ),
    );
  });

  it('never runs a larger fleet because of a provider budget', () => {
    fc.assert(
      fc.property(configArb, inputArb, budgetArb, historyArb, (c, input, provider, history) => {
        const { provider: _, ...without } = input;
        expect(decide({ ...without, provider }, c, history).desired).toBeLessThanOrEqual(
          decide(without, c, history).desired,
        );
      }),
    );
  });

  it('is monotone in the arrival rate', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, rateArb, (c, input, history, more) => {
        fc.pre(input.arrivalsPerSecond !== undefined);
        const low = decide(input, c, history);
        const high = decide({ ...input, arrivalsPerSecond: input.arrivalsPerSecond! + more }, c, history);
        expect(high.desired).toBeGreaterThanOrEqual(low.desired);
      }),
    );
  });

  it('never wants fewer workers for a longer start-up to bridge', () => {
    fc.assert(
      fc.property(
        configArb,
        inputArb,
        historyArb,
        fc.double({ min: 0, max: 300, noNaN: true }),
        (c, input, history, more) => {
          const base = input.startupSeconds ?? 0;
          const short = decide({ ...input, startupSeconds: base }, c, history);
          const long = decide({ ...input, startupSeconds: base + more }, c, history);
          expect(long.desired).toBeGreaterThanOrEqual(short.desired);
        },
      ),
    );
  });

  it('reports clamps as a chain from rawDesired to desired', () => {
    fc.assert(
      fc.property(configArb, inputArb, historyArb, (c, input, history) => {
        const d = decide(input, c, history);
        let value = d.rawDesired;
        for (const clamp of d.clamps.filter((x) => x.kind !== 'hold-on-error')) {
          expect(clamp.from).toBe(value);
          value = clamp.to;
        }
        expect(value).toBe(d.desired);
      }),
    );
  });
});
