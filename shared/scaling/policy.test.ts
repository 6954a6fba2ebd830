import { describe, expect, it } from 'vitest';
import { type FleetScaling, fleets } from './fleets.config';
import { type Decision, decide, rememberDecision, type ScalingInput } from './policy';

const NOW = 1_700_000_000_000;
const chat = fleets.chat;
const writer = fleets.writer;
const sleepy: FleetScaling = { ...chat, min: 0 };

/** A past decision `secondsAgo` before NOW that wanted `rawDesired` workers. */
function past(secondsAgo: number, rawDesired: number, metricFailed = false): Decision {
  return {
    at: NOW - secondsAgo * 1000,
    current: rawDesired,
    rawDesired,
    desired: rawDesired,
    direction: 'hold',
    reason: '',
    clamps: [],
    metricFailed,
  };
}

/** Every 5 s for the last `seconds`, each wanting `rawDesired`. */
function calm(seconds: number, rawDesired: number): Decision[] {
  const out: Decision[] = [];
  for (let s = seconds; s > 0; s -= 5) out.push(past(s, rawDesired));
  return out;
}

function input(partial: Partial<ScalingInput>): ScalingInput {
  return { backlog: 0, oldestAgeSeconds: null, currentWorkers: 1, now: NOW, ...partial };
}

interface Case {
  readonly name: string;
  readonly config: FleetScaling;
  readonly input: Partial<ScalingInput>;
  readonly history?: Decision[];
  readonly raw: number;
  readonly desired: number;
  readonly clamps: string[];
}

const cases: Case[] = [
  {
    name: 'an idle fleet at min holds',
    config: chat,
    input: { backlog: 0, currentWorkers: 1 },
    history: calm(90, 0),
    raw: 0,
    desired: 1,
    clamps: ['min'],
  },
  {
    name: 'backlog sizes the fleet',
    config: chat,
    input: { backlog: 40, currentWorkers: 1 },
    raw: 3,
    desired: 3,
    clamps: [],
  },
  {
    name: 'a step up is at most +maxStepUp when that beats +100 %',
    config: chat,
    input: { backlog: 200, currentWorkers: 2 },
    raw: 13,
    desired: 6,
    clamps: ['stepUp'],
  },
  {
    name: 'a step up is at most +100 % when that beats +maxStepUp, then max',
    config: chat,
    input: { backlog: 400, currentWorkers: 10 },
    raw: 25,
    desired: 16,
    clamps: ['stepUp', 'max'],
  },
  {
    name: 'an old job adds at least one worker, capped at one slot per queued job',
    config: chat,
    input: { backlog: 20, oldestAgeSeconds: 5, currentWorkers: 2 },
    raw: 3,
    desired: 3,
    clamps: [],
  },
  {
    name: 'age scales proportionally when the backlog target is too loose',
    config: writer,
    input: { backlog: 300, oldestAgeSeconds: 40, currentWorkers: 1 },
    raw: 4,
    desired: 4,
    clamps: [],
  },
  {
    name: 'age within SLO adds nothing',
    config: writer,
    input: { backlog: 300, oldestAgeSeconds: 10, currentWorkers: 1 },
    raw: 2,
    desired: 2,
    clamps: [],
  },
  {
    name: 'age waits for workers still starting',
    config: chat,
    input: { backlog: 20, oldestAgeSeconds: 5, currentWorkers: 2, startingWorkers: 1 },
    raw: 2,
    desired: 2,
    clamps: [],
  },
  {
    name: 'a stale age with an empty queue adds nothing',
    config: writer,
    input: { backlog: 0, oldestAgeSeconds: 60, currentWorkers: 1 },
    history: calm(200, 0),
    raw: 0,
    desired: 1,
    clamps: ['min'],
  },
  {
    name: 'a failed read holds',
    config: chat,
    input: { backlog: 500, currentWorkers: 3, metricError: 'ETIMEDOUT' },
    raw: 3,
    desired: 3,
    clamps: ['hold-on-error'],
  },
  {
    name: 'an undefined backlog holds',
    config: chat,
    input: { backlog: undefined, currentWorkers: 3 },
    raw: 3,
    desired: 3,
    clamps: ['hold-on-error'],
  },
  {
    name: 'a failed read holds even outside min/max',
    config: chat,
    input: { backlog: 0, oldestAgeSeconds: undefined, currentWorkers: 20 },
    raw: 20,
    desired: 20,
    clamps: ['hold-on-error'],
  },
  {
    name: 'one message wakes a sleeping fleet',
    config: sleepy,
    input: { backlog: 1, currentWorkers: 0 },
    raw: 1,
    desired: 1,
    clamps: [],
  },
  {
    name: 'a sleeping fleet with nothing to do sleeps on',
    config: sleepy,
    input: { backlog: 0, currentWorkers: 0 },
    raw: 0,
    desired: 0,
    clamps: [],
  },
  {
    name: 'a calm window allows one step down, not below what the window wanted',
    config: chat,
    input: { backlog: 0, currentWorkers: 4 },
    history: calm(65, 1),
    raw: 0,
    desired: 3,
    clamps: ['window', 'stepDown'],
  },
  {
    name: 'one busy decision inside the window blocks the scale-down',
    config: chat,
    input: { backlog: 0, currentWorkers: 4 },
    history: [...calm(65, 1), past(30, 4)].sort((a, b) => a.at - b.at),
    raw: 0,
    desired: 4,
    clamps: ['window'],
  },
  {
    name: 'a window not yet observed blocks the scale-down',
    config: chat,
    input: { backlog: 0, currentWorkers: 4 },
    history: calm(30, 0),
    raw: 0,
    desired: 4,
    clamps: ['window'],
  },
  {
    name: 'a failed read inside the window blocks the scale-down',
    config: chat,
    input: { backlog: 0, currentWorkers: 4 },
    history: [...calm(65, 0), past(10, 4, true)].sort((a, b) => a.at - b.at),
    raw: 0,
    desired: 4,
    clamps: ['window'],
  },
  {
    name: 'a fleet above a lowered max drops to max at once',
    config: chat,
    input: { backlog: 0, currentWorkers: 20 },
    history: calm(65, 0),
    raw: 0,
    desired: 16,
    clamps: ['stepDown', 'max'],
  },
  {
    name: 'a fleet below min rises to min at once',
    config: { ...chat, min: 10 },
    input: { backlog: 0, currentWorkers: 0 },
    raw: 0,
    desired: 10,
    clamps: ['min'],
  },
];

describe('decide', () => {
  it.each(cases)('$name', ({ config, input: partial, history, raw, desired, clamps }) => {
    const decision = decide(input(partial), config, history ?? []);
    expect(decision.rawDesired).toBe(raw);
    expect(decision.desired).toBe(desired);
    expect(decision.clamps.map((c) => c.kind)).toEqual(clamps);
    const current = decision.current;
    expect(decision.direction).toBe(desired > current ? 'up' : desired < current ? 'down' : 'hold');
  });

  it('explains a decision in one sentence with the numbers it used', () => {
    const d = decide(input({ backlog: 200, oldestAgeSeconds: 7.25, currentWorkers: 2 }), chat, []);
    expect(d.reason).toBe(
      'Backlog 200 at 16 per worker wants 13; oldest job waited 7.3 s, over the 2 s SLO, wants 8; ' +
        'scale-up step limited to 6: scale up from 2 to 6 workers.',
    );
  });

  it('says why it holds on a failed read', () => {
    const d = decide(input({ metricError: 'connect ECONNREFUSED', currentWorkers: 2 }), chat, []);
    expect(d.reason).toBe('Queue metrics unavailable (connect ECONNREFUSED); holding at 2 workers.');
    expect(d.metricFailed).toBe(true);
  });

  it('treats a negative backlog as a failed read', () => {
    const d = decide(input({ backlog: -1, currentWorkers: 2 }), chat, []);
    expect(d.metricFailed).toBe(true);
    expect(d.desired).toBe(2);
  });
});

describe('rememberDecision', () => {
  it('keeps the window plus the newest decision before it', () => {
    const history = calm(200, 1);
    const next = decide(input({ backlog: 0, currentWorkers: 1 }), chat, history);
    const kept = rememberDecision(history, next, chat);
    const windowStart = NOW - chat.scaleDownWindowSeconds * 1000;
    expect(kept.at(-1)).toBe(next);
    expect(kept.filter((d) => d.at <= windowStart)).toHaveLength(1);
    expect(kept.filter((d) => d.at > windowStart)).toEqual(
      history.filter((d) => d.at > windowStart).concat(next),
    );
  });

  it('lets a scale-down through once the remembered window is calm', () => {
    let history: Decision[] = [];
    let current = 5;
    const seen: number[] = [];
    for (let t = 0; t <= 120; t += 5) {
      const d = decide(input({ backlog: 0, currentWorkers: current, now: NOW + t * 1000 }), chat, history);
      history = rememberDecision(history, d, chat);
      current = d.desired;
      seen.push(current);
    }
    // Held for the 60 s window, then one worker per decision down to min.
    expect(seen.slice(0, 12).every((n) => n === 5)).toBe(true);
    expect(seen.slice(12, 17)).toEqual([4, 3, 2, 1, 1]);
  });
});
