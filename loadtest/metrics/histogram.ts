import { build, type Histogram } from 'hdr-histogram-js';

// Values are stored ×1000 (µs for ms metrics) so sub-millisecond latencies keep 3 significant digits.
const SCALE = 1000;
// One hour in µs: anything slower is clamped, a run never waits that long for one operation.
const HIGHEST = 3_600_000_000;

export interface Percentiles {
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export function createHistogram(): Histogram {
  // The pure-JS build: the WebAssembly one gains little here and must be loaded asynchronously.
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    useWebAssembly: false,
  });
}

export function record(h: Histogram, value: number): void {
  const scaled = Math.round(value * SCALE);
  h.recordValue(scaled < 0 ? 0 : Math.min(scaled, HIGHEST));
}

export function percentile(h: Histogram, p: number): number {
  return h.getValueAtPercentile(p) / SCALE;
}

export function percentiles(h: Histogram): Percentiles {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const max = h.maxValue / SCALE;
  // A bucket's upper edge can lie just above the true maximum; never report a percentile above it.
  const at = (p: number) => Math.min(percentile(h, p), max);
  return {
    min: h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue / SCALE,
    mean: h.mean / SCALE,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max,
  };
}
