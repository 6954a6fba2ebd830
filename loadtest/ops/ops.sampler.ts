import { Value } from '@sinclair/typebox/value';
import { Client } from 'undici';
import { OpsStatus } from '../../services/gateway/ops/ops.schemas';

/** What the run keeps of one ops sample. */
export interface OpsSnapshot {
  /** Backlog (waiting + active) per queue. */
  readonly queues: Record<string, number>;
  readonly queueAgeSeconds: Record<string, number>;
  /** Per fleet: workers that take jobs (starting or running; not retiring), and what scaling wants. */
  readonly workers: Record<string, { workers: number; desired: number | null }>;
}

export interface OpsSampler {
  /** The newest sample, or null while the endpoint is missing, refused or failing. */
  latest(): OpsSnapshot | null;
  close(): Promise<void>;
}

export interface OpsSamplerOptions {
  readonly origin: string;
  readonly token: string;
  readonly intervalMs: number;
}

/**
 * Polls `GET /api/ops/status` on its own connection so a saturated pool does not starve it. A
 * sample is checked against the gateway's own response schema: one the gateway would not send
 * counts as no sample.
 */
export function startOpsSampler(options: OpsSamplerOptions): OpsSampler {
  const client = new Client(options.origin, {
    headersTimeout: options.intervalMs,
    bodyTimeout: options.intervalMs,
  });
  let latest: OpsSnapshot | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const poll = async () => {
    try {
      const res = await client.request({
        method: 'GET',
        path: '/api/ops/status',
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
      });
      const body: unknown = res.statusCode === 200 ? await res.body.json() : await res.body.dump();
      latest = res.statusCode === 200 && Value.Check(OpsStatus, body) ? toSnapshot(body) : null;
    } catch {
      latest = null;
    }
    if (!stopped) timer = setTimeout(poll, options.intervalMs);
  };
  void poll();

  return {
    latest: () => latest,
    async close() {
      stopped = true;
      clearTimeout(timer);
      await client.destroy().catch(() => undefined);
    },
  };
}

export function toSnapshot(status: OpsStatus): OpsSnapshot {
  const queues: Record<string, number> = {};
  const queueAgeSeconds: Record<string, number> = {};
  for (const q of status.queues) {
    queues[q.name] = q.backlog;
    if (q.oldestAgeSeconds !== null) queueAgeSeconds[q.name] = q.oldestAgeSeconds;
  }
  const workers: OpsSnapshot['workers'] = {};
  for (const f of status.fleets) {
    workers[f.name] = { workers: f.workers.filter((w) => w.state !== 'retiring').length, desired: f.desired };
  }
  return { queues, queueAgeSeconds, workers };
}
