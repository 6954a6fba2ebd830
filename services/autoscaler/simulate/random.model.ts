/** Seeded randomness, so a simulation run is reproducible from its seed. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Poisson-distributed count with mean `lambda` (normal approximation above 50). */
  poisson(lambda: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/** mulberry32: tiny, fast and good enough for a queue simulation; not for anything secret. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    normal,
    poisson(lambda) {
      if (lambda <= 0) return 0;
      if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    int(n) {
      return Math.floor(next() * n);
    },
  };
}

/** Job durations in seconds: lognormal (how LLM reply times spread), capped at `maxSeconds`. */
export interface JobTimeModel {
  readonly medianSeconds: number;
  /** Spread of ln(duration); 0.8 puts p99 near 6.4 × the median. */
  readonly sigma: number;
  readonly maxSeconds: number;
}

export function sampleJobSeconds(model: JobTimeModel, random: Random): number {
  const seconds = model.medianSeconds * Math.exp(model.sigma * random.normal());
  return Math.min(model.maxSeconds, Math.max(0.05, seconds));
}

/** Mean of the (uncapped) lognormal: median × e^(σ²/2). */
export const meanJobSeconds = (model: JobTimeModel): number =>
  model.medianSeconds * Math.exp(model.sigma ** 2 / 2);
