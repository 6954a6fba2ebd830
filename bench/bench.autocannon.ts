import autocannon from 'autocannon';

export interface AutocannonFigures {
  /** Successful (2xx) responses per second over the whole run. */
  rate: number;
  /** 2xx responses. */
  ok: number;
  requests: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  /** CPU this process used during the run, as a share of one core (the client's own load). */
  clientCpu: number;
}

/** One autocannon run in this process; the figures the benchmarks compare. */
export async function runAutocannon(opts: autocannon.Options): Promise<AutocannonFigures> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await autocannon({ ...opts });
  const elapsed = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return {
    rate: result['2xx'] / result.duration,
    ok: result['2xx'],
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
    clientCpu: (used.user + used.system) / 1000 / elapsed,
  };
}
