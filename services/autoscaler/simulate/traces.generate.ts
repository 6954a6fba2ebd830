/**
 * Writes the traces the simulator ships with, from a fixed seed, so they can be regenerated and
 * reviewed: `npx tsx services/autoscaler/simulate/traces.generate.ts`.
 *
 * The local peak is 0.5 replies/s (a handful of people chatting with one machine). Arrivals are
 * Poisson around a rate curve.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from './random.model';
import { formatTrace } from './trace.reader';

const LOCAL_PEAK_PER_SECOND = 0.5;

/** 2 h of an ordinary day: about 0.4 replies/s, drifting ±15 % over the hour. */
function steadyDay(): number[] {
  const random = createRandom(1);
  return Array.from({ length: 7200 }, (_, t) =>
    random.poisson(0.4 * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 3600))),
  );
}

/** 1 h at 0.4/s with a burst at 20 min: 10 s ramp to 20/s (40× the base), 3 min plateau, 1 min decay. */
function spike(): number[] {
  const random = createRandom(2);
  const base = 0.4;
  const peak = 20;
  return Array.from({ length: 3600 }, (_, t) => {
    const s = t - 1200;
    let rate = base;
    if (s >= 0 && s < 10) rate = base + ((peak - base) * s) / 10;
    else if (s >= 10 && s < 190) rate = peak;
    else if (s >= 190 && s < 250) rate = peak - ((peak - base) * (s - 190)) / 60;
    return random.poisson(rate);
  });
}

/**
 * A 24 h day compressed into 1 h (1 trace second = 24 s of the day), at 1000× the local peak.
 * Rates are per real second, so ramps are 24× steeper than in a real day: a harsher test.
 * Shape: a night trough near 04:00 at 12 % of peak, a working-day plateau, an evening peak at 21:00.
 */
function diurnal1000x(): number[] {
  const random = createRandom(3);
  const peak = 1000 * LOCAL_PEAK_PER_SECOND;
  return Array.from({ length: 3600 }, (_, t) => {
    const hour = (t * 24) / 3600;
    const day = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
    const evening = Math.exp(-(((hour - 21) / 1.5) ** 2));
    const shape = 0.12 + 0.68 * day + 0.3 * evening;
    return random.poisson(peak * Math.min(1, shape));
  });
}

const here = import.meta.dirname;
const traces: Array<[string, number[]]> = [
  ['steady-day.csv', steadyDay()],
  ['spike.csv', spike()],
  ['diurnal-1000x.csv', diurnal1000x()],
];
for (const [name, arrivals] of traces) {
  writeFileSync(join(here, 'traces', name), formatTrace(arrivals));
  const total = arrivals.reduce((a, b) => a + b, 0);
  console.log(`${name}: ${arrivals.length} s, ${total} arrivals, peak ${Math.max(...arrivals)}/s`);
}
