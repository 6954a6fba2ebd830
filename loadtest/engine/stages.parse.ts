import { parseDuration } from './duration.parse';

/** One leg of an arrival-rate profile: the rate moves linearly from `from` to `to` per second. */
export interface Stage {
  readonly durationMs: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Parses `30s:50,60s:200,30s:0`: ramp linearly to 50 iterations/s over 30 s, then to 200 over
 * 60 s, then down to 0. The profile starts at `startRate` (0 unless a constant rate is asked for).
 */
export function parseStages(text: string, startRate = 0): Stage[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Error('--stages: empty (use e.g. 30s:50,60s:200,30s:0)');
  let from = startRate;
  return parts.map((part) => {
    const [duration, target, extra] = part.split(':');
    if (duration === undefined || target === undefined || extra !== undefined) {
      throw new Error(`--stages: "${part}" is not <duration>:<rate> (e.g. 30s:50)`);
    }
    const durationMs = parseDuration(duration, '--stages');
    const to = Number(target);
    if (!Number.isFinite(to) || to < 0 || target.trim() === '') {
      throw new Error(`--stages: rate "${target}" in "${part}" must be a number ≥ 0`);
    }
    if (durationMs <= 0) throw new Error(`--stages: duration in "${part}" must be > 0`);
    const stage = { durationMs, from, to };
    from = to;
    return stage;
  });
}

/** A constant rate for a duration: `--rate 100 --duration 60s`. */
export function constantStage(rate: number, durationMs: number): Stage[] {
  return [{ durationMs, from: rate, to: rate }];
}

export function totalDurationMs(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** Iterations the profile asks for in `elapsedMs` of one stage (area under the ramp). */
function stageIterations(stage: Stage, elapsedMs: number): number {
  const t = elapsedMs / 1000;
  const d = stage.durationMs / 1000;
  return stage.from * t + ((stage.to - stage.from) * t * t) / (2 * d);
}

/** The rate the profile asks for at `elapsedMs` after the start (0 after the end). */
export function rateAt(stages: readonly Stage[], elapsedMs: number): number {
  let offset = 0;
  for (const stage of stages) {
    if (elapsedMs < offset + stage.durationMs) {
      const f = (elapsedMs - offset) / stage.durationMs;
      return stage.from + (stage.to - stage.from) * f;
    }
    offset += stage.durationMs;
  }
  return 0;
}

export function totalIterations(stages: readonly Stage[]): number {
  return Math.floor(stages.reduce((sum, s) => sum + stageIterations(s, s.durationMs), 0) + 1e-9);
}

/**
 * Intended start offsets (ms from the run start) of every iteration: the n-th iteration starts
 * when the area under the rate curve reaches n. Computed from the profile, never from what the
 * system under test did, so a slow system cannot slow the schedule down (no coordinated omission).
 */
export function* intendedOffsets(stages: readonly Stage[]): Generator<number> {
  let offsetMs = 0;
  let before = 0;
  let n = 1;
  for (const stage of stages) {
    const inStage = stageIterations(stage, stage.durationMs);
    const a = (stage.to - stage.from) / (2 * (stage.durationMs / 1000));
    while (n - before <= inStage + 1e-9) {
      const k = n - before;
      // Root of a·t² + from·t − k = 0 in the form that stays stable when a → 0 or a < 0.
      const disc = Math.max(0, stage.from * stage.from + 4 * a * k);
      const denom = stage.from + Math.sqrt(disc);
      const t = denom > 0 ? (2 * k) / denom : 0;
      yield offsetMs + Math.min(t * 1000, stage.durationMs);
      n++;
    }
    before += inStage;
    offsetMs += stage.durationMs;
  }
}
