import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.parse';
import {
  constantStage,
  intendedOffsets,
  parseStages,
  rateAt,
  totalDurationMs,
  totalIterations,
} from './stages.parse';

describe('parseDuration', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('3')).toBe(3000);
  });
  it('rejects what is not a duration', () => {
    expect(() => parseDuration('fast')).toThrow(/not a duration/);
    expect(() => parseDuration('-1s')).toThrow();
    expect(() => parseDuration('10 parsecs')).toThrow();
  });
  it('formats for humans', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('parseStages', () => {
  it('chains stages, each ramping from where the previous one ended', () => {
    expect(parseStages('30s:50,60s:200,30s:0')).toEqual([
      { durationMs: 30_000, from: 0, to: 50 },
      { durationMs: 60_000, from: 50, to: 200 },
      { durationMs: 30_000, from: 200, to: 0 },
    ]);
    expect(totalDurationMs(parseStages('30s:50,60s:200,30s:0'))).toBe(120_000);
  });
  it('names the bad part', () => {
    expect(() => parseStages('')).toThrow(/empty/);
    expect(() => parseStages('30s')).toThrow(/"30s" is not <duration>:<rate>/);
    expect(() => parseStages('30s:abc')).toThrow(/rate "abc"/);
    expect(() => parseStages('30s:-5')).toThrow(/≥ 0/);
    expect(() => parseStages('0s:5')).toThrow(/> 0/);
    expect(() => parseStages('soon:5')).toThrow(/not a duration/);
  });
  it('interpolates the rate linearly inside a stage', () => {
    const stages = parseStages('10s:100,10s:0');
    expect(rateAt(stages, 0)).toBe(0);
    expect(rateAt(stages, 5000)).toBe(50);
    expect(rateAt(stages, 10_000)).toBe(100);
    expect(rateAt(stages, 15_000)).toBe(50);
    expect(rateAt(stages, 25_000)).toBe(0);
  });
});

describe('intendedOffsets', () => {
  it('spaces a constant rate evenly', () => {
    const offsets = [...intendedOffsets(constantStage(10, 2000))];
    expect(offsets).toHaveLength(20);
    expect(offsets[0]).toBeCloseTo(100);
    expect(offsets[1]).toBeCloseTo(200);
    expect(offsets.at(-1)).toBeCloseTo(2000);
  });

  it('follows the area under a ramp: a 0→50/s ramp over 30 s yields 750 iterations, denser at the end', () => {
    const stages = parseStages('30s:50');
    const offsets = [...intendedOffsets(stages)];
    expect(offsets).toHaveLength(750);
    expect(totalIterations(stages)).toBe(750);
    // N(t) = 50/30 · t²/2, so the first iteration lands at √(2·30/50) s ≈ 1.095 s.
    expect(offsets[0]).toBeCloseTo(Math.sqrt((2 * 30) / 50) * 1000, 3);
    // Half of the iterations happen in the last ~29 % of the ramp.
    expect(offsets[374]! / 1000).toBeCloseTo(30 * Math.sqrt(0.5), 1);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThan(offsets[i - 1]!);
  });

  it('matches the rate per second of a multi-stage profile', () => {
    const stages = parseStages('10s:20,10s:20,10s:0');
    const offsets = [...intendedOffsets(stages)];
    expect(offsets).toHaveLength(100 + 200 + 100);
    const inSecond = (s: number) => offsets.filter((o) => o > s * 1000 && o <= (s + 1) * 1000).length;
    expect(inSecond(15)).toBe(20);
    expect(inSecond(9)).toBeGreaterThanOrEqual(19);
    expect(inSecond(29)).toBeLessThanOrEqual(2);
    expect(offsets.every((o) => o <= 30_000)).toBe(true);
  });

  it('yields nothing for a zero-rate stage and carries fractions across stages', () => {
    expect([...intendedOffsets(parseStages('5s:0'))]).toHaveLength(0);
    // Half an iteration per stage: the area reaches 1 only at the very end of the second one.
    const offsets = [
      ...intendedOffsets([
        { durationMs: 1000, from: 0.5, to: 0.5 },
        { durationMs: 1000, from: 0.5, to: 0.5 },
      ]),
    ];
    expect(offsets).toHaveLength(1);
    expect(offsets[0]).toBeCloseTo(2000);
  });
});
