import { describe, expect, it } from 'vitest';
import { type FleetScaling, fleets } from './fleets.config';
import { type Decision, decide, rememberDecision, type ScalingInput } from './policy';

const NOW = 1_700_000_000_000;
/** The numbers these cases were worked out with (production's are in fleets.config and may change). */
const chat: FleetScaling = { ...fleets.chat, concurrency: 16, targetBacklogPerWorker: 16 };
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

  it('never grows the fleet while holding back a scale-down', () => {
    // A worker died since the last decision wanted two; nothing is queued, the window is zero.
    const d = decide(
      { backlog: 0, oldestAgeSeconds: null, currentWorkers: 1, startingWorkers: 0, now: NOW },
      { ...sleepy, scaleDownWindowSeconds: 0, maxStepDown: 1, max: 2 },
      [
        {
          at: NOW,
          current: 2,
          rawDesired: 2,
          desired: 2,
          direction: 'hold',
          reason: '',
          clamps: [],
          metricFailed: false,
        },
      ],
    );
    expect(d.desired).toBeLessThanOrEqual(1);
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

/**
 * Every 5 s for the last `seconds`: decisions that saw `perSecond(s)` arrivals of 3 s jobs, with
 * those in service and those finishing as a queue keeping up would have them (finishing what
 * arrived 3 s earlier).
 */
function flowing(seconds: number, perSecond: (secondsAgo: number) => number, current = 8): Decision[] {
  const out: Decision[] = [];
  for (let s = seconds; s > 0; s -= 5) {
    const rate = perSecond(s);
    out.push({
      ...past(s, current),
      flow: {
        at: NOW - s * 1000,
        arrivalsPerSecond: rate,
        completionsPerSecond: perSecond(s + 3),
        active: 3 * rate,
      },
    });
  }
  return out;
}

const flowInput = (perSecond: number, partial: Partial<ScalingInput> = {}): ScalingInput =>
  input({
    backlog: 3 * perSecond,
    currentWorkers: 8,
    active: 3 * perSecond,
    arrivalsPerSecond: perSecond,
    completionsPerSecond: perSecond,
    ...partial,
  });

describe('decide with the flow', () => {
  it('sizes the fleet for arrivals × service time, with room for their randomness', () => {
    // 40/s × 3 s = 120 in service, + √120: 131 slots, 9 workers; the backlog alone wants 8.
    const d = decide(
      flowInput(40),
      chat,
      flowing(60, () => 40),
    );
    expect(d.rawDesired).toBe(9);
    expect(d.reason).toBe(
      'Backlog 120 at 16 per worker wants 8; arrivals 40/s, × 3 s per job want 9: scale up from 8 to 9 workers.',
    );
    expect(d.flow).toEqual({ at: NOW, arrivalsPerSecond: 40, completionsPerSecond: 40, active: 120 });
  });

  it('asks a start-up ahead while arrivals rise, before the age SLO is crossed', () => {
    // Rising 0.5/s each second; 60 s start-up + 5 s poll ahead: 72.5/s × 3 s, 15 workers.
    const rising = flowing(60, (ago) => 40 - 0.5 * ago);
    const d = decide(flowInput(40, { startupSeconds: 60, completionsPerSecond: 38.5 }), chat, rising);
    expect(d.rawDesired).toBe(15);
    expect(d.reason).toContain('arrivals 40/s, rising to 73/s in 65 s, × 3 s per job want 15');
    // Without a start-up to bridge it looks only a poll ahead: 42.5/s.
    expect(decide(flowInput(40, { completionsPerSecond: 38.5 }), chat, rising).reason).toContain(
      'arrivals 40/s, rising to 43/s in 5 s, × 3 s per job want 9',
    );
  });

  it('stays silent until enough jobs have finished to know the service time', () => {
    const d = decide(
      flowInput(0.1, { backlog: 0, active: 0.3 }),
      chat,
      flowing(60, () => 0.1),
    );
    expect(d.reason).not.toContain('arrivals');
    expect(d.rawDesired).toBe(0);
  });
});

describe('decide with a provider budget', () => {
  it('wants no more workers than the budget keeps busy, and says so', () => {
    // 20 requests/min = 1/3 call a second: the fleet of 2 already uses it, whatever the backlog.
    const provider = { requestsPerMinute: 20, tokensPerMinute: 1e6, tokensPerJob: 500 };
    const d = decide(
      input({
        backlog: 400,
        oldestAgeSeconds: 30,
        currentWorkers: 2,
        active: 32,
        arrivalsPerSecond: 5,
        completionsPerSecond: 1 / 3,
        provider,
      }),
      chat,
      flowing(60, () => 5, 2).map((h) => ({
        ...h,
        flow: { ...h.flow!, completionsPerSecond: 1 / 3, active: 32 },
      })),
    );
    expect(d.rawDesired).toBe(2);
    expect(d.desired).toBe(2);
    expect(d.reason).toBe(
      'Backlog 400 at 16 per worker wants 25; oldest job waited 30 s, over the 2 s SLO, wants 25; ' +
        'arrivals 5/s, × 96 s per job want 32; provider budget: 20 requests/min; 2 workers already use it: hold at 2 workers.',
    );
  });

  it('lets a smaller fleet grow up to what the budget serves', () => {
    const provider = { requestsPerMinute: 600, tokensPerMinute: 1e9, tokensPerJob: 1 };
    const d = decide(
      flowInput(40, { currentWorkers: 1, provider }),
      chat,
      flowing(60, () => 40, 1),
    );
    // 10 calls/s × 3 s = 30 slots: 2 workers.
    expect(d.desired).toBe(2);
    expect(d.reason).toContain(
      'provider budget: 600 requests/min keeps 2 workers busy: scale up from 1 to 2 workers.',
    );
  });

  it('adds no worker while calls wait for the budget, before any service time is known', () => {
    // A burst: 300 replies at once, 40 of them waiting for 20 requests/min inside the 2 workers.
    const provider = { requestsPerMinute: 20, tokensPerMinute: 1e6, tokensPerJob: 600, waiting: 40 };
    const d = decide(input({ backlog: 300, oldestAgeSeconds: 9, currentWorkers: 2, provider }), chat, []);
    expect(d.desired).toBe(2);
    expect(d.reason).toBe(
      'Backlog 300 at 16 per worker wants 19; oldest job waited 9 s, over the 2 s SLO, wants 9; ' +
        'provider budget: 20 requests/min; 2 workers already use it: hold at 2 workers.',
    );
    expect(
      decide(input({ backlog: 300, oldestAgeSeconds: 9, currentWorkers: 1, provider }), chat, []).reason,
    ).toContain('provider budget: 20 requests/min; 1 worker already uses it: hold at 1 worker.');
    // The same with nothing waiting for the budget: the budget says nothing yet, the fleet grows.
    expect(
      decide(
        input({
          backlog: 300,
          oldestAgeSeconds: 9,
          currentWorkers: 2,
          provider: { ...provider, waiting: 0 },
        }),
        chat,
        [],
      ).desired,
    ).toBe(6);
  });

  it('says nothing of a budget that does not bind', () => {
    const provider = { requestsPerMinute: 1e6, tokensPerMinute: 1e9, tokensPerJob: 1 };
    expect(
      decide(
        flowInput(40, { provider }),
        chat,
        flowing(60, () => 40),
      ).reason,
    ).not.toContain('provider');
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
