import { Client, type Dispatcher } from 'undici';
import type { Clock } from '../engine/clock';
import type { MetricHandle, Recorder } from '../metrics/metrics.recorder';

export interface MaxRateOptions {
  readonly origin: string;
  readonly path: string;
  readonly method: 'GET' | 'POST' | 'HEAD';
  /** Keep-alive connections, each with `pipelining` requests on the wire at once. */
  readonly connections: number;
  readonly pipelining: number;
  readonly durationMs: number;
  readonly requestTimeoutMs: number;
  readonly headers?: Record<string, string>;
}

export interface MaxRateDeps {
  readonly rec: Recorder;
  readonly clock: Clock;
  /** Aborting stops sending and closes the connections at once. */
  readonly signal: AbortSignal;
}

export interface MaxRateOutcome {
  readonly requests: number;
  readonly failed: number;
}

/**
 * One request slot: a handler object reused for every request it sends, so the hot path allocates
 * nothing beyond what undici needs (no promises, no body streams, no per-request closures).
 */
class Slot implements Dispatcher.DispatchHandler {
  private startedAt = 0;
  private status = 0;

  constructor(
    private readonly client: Client,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly run: Run,
  ) {}

  fire(): void {
    if (this.run.stopped) {
      this.run.slotDone();
      return;
    }
    this.startedAt = this.run.clock.now();
    this.client.dispatch(this.options, this);
  }

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    const latency = this.run.clock.now() - this.startedAt;
    this.run.requests++;
    if (this.status < 400) this.run.metric.ok(latency);
    else this.run.fail(`http_${this.status}`);
    this.fire();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.run.stopped) {
      this.run.slotDone();
      return;
    }
    this.run.requests++;
    const code = (err as { code?: string }).code;
    this.run.fail(
      code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'timeout' : 'network',
    );
    // A refused connection fails at once: back off a little instead of spinning.
    setTimeout(() => this.fire(), 10);
  }
}

interface Run {
  stopped: boolean;
  requests: number;
  failed: number;
  readonly metric: MetricHandle;
  readonly clock: Clock;
  fail(kind: string): void;
  slotDone(): void;
}

/**
 * The max-rate mode: every slot sends its next request the moment the previous one is answered,
 * like autocannon. Latencies go straight into the HDR histogram.
 */
export async function runMaxRate(options: MaxRateOptions, deps: MaxRateDeps): Promise<MaxRateOutcome> {
  const clients = Array.from(
    { length: options.connections },
    () =>
      new Client(options.origin, {
        pipelining: options.pipelining,
        keepAliveTimeout: 30_000,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
      }),
  );
  const dispatchOptions: Dispatcher.DispatchOptions = {
    path: options.path,
    method: options.method,
    headers: options.headers ?? {},
  };
  const slots = options.connections * options.pipelining;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let active = slots;
  const run: Run = {
    stopped: false,
    requests: 0,
    failed: 0,
    metric: deps.rec.handle('http_request'),
    clock: deps.clock,
    fail(kind) {
      run.failed++;
      run.metric.fail(kind);
    },
    slotDone() {
      if (--active === 0) resolveDone();
    },
  };

  const stop = () => {
    run.stopped = true;
  };
  const timer = setTimeout(stop, options.durationMs);
  const abort = () => {
    stop();
    resolveDone();
  };
  deps.signal.addEventListener('abort', abort, { once: true });

  for (let i = 0; i < slots; i++) new Slot(clients[i % clients.length]!, dispatchOptions, run).fire();
  await done;
  clearTimeout(timer);
  deps.signal.removeEventListener('abort', abort);
  await Promise.all(
    clients.map((c) => (deps.signal.aborted ? c.destroy() : c.close()).catch(() => undefined)),
  );
  return { requests: run.requests, failed: run.failed };
}
