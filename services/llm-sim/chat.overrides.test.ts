import { describe, expect, it } from 'vitest';
import { jittered, planRequest } from './chat.overrides';
import { defaultSimSettings } from './llm-sim.config';
import { createRandom } from './llm-sim.random';

const faulty = { ...defaultSimSettings, rate429: 0.1, rate500: 0.1, rateCut: 0.1 };

function faultSequence(seed: number, count: number): string[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const result = planRequest({}, faulty, random);
    return result.ok ? result.plan.fault : 'bad';
  });
}

describe('planRequest', () => {
  it('injects faults at about the configured rates, the same way for the same seed', () => {
    const run = faultSequence(42, 3000);
    expect(faultSequence(42, 3000)).toEqual(run);
    expect(faultSequence(43, 3000)).not.toEqual(run);
    for (const fault of ['429', '500', 'cut']) {
      const share = run.filter((f) => f === fault).length / run.length;
      expect(share).toBeGreaterThan(0.07);
      expect(share).toBeLessThan(0.13);
    }
  });

  it('injects nothing at rate 0', () => {
    const random = createRandom(1);
    for (let i = 0; i < 500; i++) {
      expect(planRequest({}, defaultSimSettings, random)).toMatchObject({ plan: { fault: 'none' } });
    }
  });

  it('lets headers force the fault and timing without shifting the sequence', () => {
    const random = createRandom(42);
    const forced = planRequest(
      { 'x-sim-fault': 'cut', 'x-sim-ttft-ms': '5', 'x-sim-itl-ms': '0' },
      faulty,
      random,
    );
    expect(forced).toEqual({ ok: true, plan: { fault: 'cut', ttftMs: 5, itlMs: 0 } });
    const rest = Array.from({ length: 20 }, () => planRequest({}, faulty, random));
    expect(rest.map((r) => (r.ok ? r.plan.fault : 'bad'))).toEqual(faultSequence(42, 21).slice(1));
  });

  it.each([
    ['x-sim-fault', 'explode'],
    ['x-sim-ttft-ms', 'soon'],
    ['x-sim-itl-ms', '-3'],
  ])('rejects %s: %s', (header, value) => {
    expect(planRequest({ [header]: value }, faulty, createRandom(1))).toMatchObject({
      ok: false,
      param: header,
    });
  });
});

describe('jittered', () => {
  it('stays within ±jitter of the base and keeps its mean', () => {
    const random = createRandom(9);
    const samples = Array.from({ length: 5000 }, () => jittered(100, 0.2, random));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...samples)).toBeLessThanOrEqual(120);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(Math.abs(mean - 100)).toBeLessThan(1.5);
    expect(jittered(100, 0, random)).toBe(100);
  });
});
