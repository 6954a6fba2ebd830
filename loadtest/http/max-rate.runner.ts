import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Clock } from '../engine/clock';
import type { MetricHandle, Recorder } from '../metrics/metrics.recorder';
import { ResponseParser } from './response.parser';

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

interface Shared {
  stopped: boolean;
  requests: number;
  failed: number;
  readonly metric: MetricHandle;
  readonly clock: Clock;
  readonly request: Buffer;
  connectionDone(): void;
}

// A refused or dropped connection is retried after this pause instead of spinning.
const RECONNECT_MS = 10;

/**
 * One keep-alive connection sending the same pre-built request again the moment a response ends.
 * The hot path is a socket write, a byte scan of the response and one histogram record: no
 * promises, header objects or strings per request. (The general HTTP client is undici; this mode
 * exists to measure the gateway's ceiling, so it is written for speed.)
 */
class Connection {
  private socket: Socket | undefined;
  private readonly starts: Float64Array;
  private head = 0;
  private inflight = 0;
  private finished = false;
  // The server is closing this connection: finish reading, send nothing more on it.
  private closing = false;
  private connected = false;
  private readonly parser: ResponseParser;

  constructor(
    private readonly shared: Shared,
    private readonly url: URL,
    private readonly pipelining: number,
    private readonly timeoutMs: number,
    bodiless: boolean,
  ) {
    this.starts = new Float64Array(pipelining);
    this.parser = new ResponseParser((status) => this.onResponse(status), bodiless);
  }

  open(): void {
    const port = Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const socket =
      this.url.protocol === 'https:' ? tlsConnect({ host, port, servername: host }) : connect({ host, port });
    this.socket = socket;
    this.closing = false;
    this.connected = false;
    socket.setNoDelay(true);
    socket.setTimeout(this.timeoutMs);
    socket.once(this.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      socket.cork();
      for (let i = 0; i < this.pipelining && !this.shared.stopped; i++) this.send();
      socket.uncork();
      if (this.inflight === 0) this.finish();
    });
    socket.on('data', (chunk: Buffer) => this.parser.feed(chunk));
    socket.on('timeout', () => this.drop('timeout'));
    socket.on('error', () => this.drop('network'));
    socket.on('end', () => {
      this.closing = true;
      this.parser.end();
      this.drop('network');
    });
  }

  stop(): void {
    if (this.inflight === 0) this.finish();
  }

  destroy(): void {
    this.socket?.destroy();
    this.finish();
  }

  private send(): void {
    this.starts[(this.head + this.inflight) % this.pipelining] = this.shared.clock.now();
    this.inflight++;
    this.socket!.write(this.shared.request);
  }

  private onResponse(status: number): void {
    const latency = this.shared.clock.now() - this.starts[this.head]!;
    this.head = (this.head + 1) % this.pipelining;
    this.inflight--;
    this.shared.requests++;
    if (status < 400) this.shared.metric.ok(latency);
    else this.fail(`http_${status}`);
    if (!this.shared.stopped && !this.closing) this.send();
    else if (this.shared.stopped && this.inflight === 0) this.finish();
  }

  private fail(kind: string): void {
    this.shared.failed++;
    this.shared.metric.fail(kind);
  }

  /** The connection broke: what was on the wire failed; reconnect unless the run is over. */
  private drop(kind: 'network' | 'timeout'): void {
    const socket = this.socket;
    if (!socket || this.finished) return;
    this.socket = undefined;
    socket.destroy();
    this.parser.reset();
    if (!this.shared.stopped) {
      // A connection that never opened counts as one failed request, like a refused one would.
      const lost = this.connected ? this.inflight : Math.max(this.inflight, 1);
      for (let i = 0; i < lost; i++) {
        this.shared.requests++;
        this.fail(kind);
      }
      setTimeout(() => (this.shared.stopped ? this.finish() : this.open()), RECONNECT_MS);
    } else {
      this.finish();
    }
    this.head = 0;
    this.inflight = 0;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.socket?.end();
    this.shared.connectionDone();
  }
}

function buildRequest(url: URL, options: MaxRateOptions): Buffer {
  const lines = [`${options.method} ${options.path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: keep-alive'];
  for (const [k, v] of Object.entries(options.headers ?? {})) lines.push(`${k}: ${v}`);
  if (options.method === 'POST') lines.push('Content-Length: 0');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * The max-rate mode: N connections, each sending its next request as soon as the previous one is
 * answered (autocannon's model). Latencies go straight into the HDR histogram.
 */
export async function runMaxRate(options: MaxRateOptions, deps: MaxRateDeps): Promise<MaxRateOutcome> {
  const url = new URL(options.origin);
  let open = options.connections;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const shared: Shared = {
    stopped: false,
    requests: 0,
    failed: 0,
    metric: deps.rec.handle('http_request'),
    clock: deps.clock,
    request: buildRequest(url, options),
    connectionDone() {
      if (--open === 0) resolveDone();
    },
  };
  const connections = Array.from(
    { length: options.connections },
    () =>
      new Connection(shared, url, options.pipelining, options.requestTimeoutMs, options.method === 'HEAD'),
  );
  const stop = () => {
    shared.stopped = true;
    for (const c of connections) c.stop();
  };
  const timer = setTimeout(stop, options.durationMs);
  const abort = () => {
    shared.stopped = true;
    for (const c of connections) c.destroy();
  };
  deps.signal.addEventListener('abort', abort, { once: true });

  for (const c of connections) c.open();
  await done;
  clearTimeout(timer);
  deps.signal.removeEventListener('abort', abort);
  return { requests: shared.requests, failed: shared.failed };
}
