import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Client } from 'undici';

const Num = Type.Optional(Type.Number());
export const OpsStatus = Type.Object({
  queues: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        transport: Type.Optional(Type.String()),
        waiting: Num,
        active: Num,
        backlog: Num,
        oldestAgeSeconds: Num,
      }),
    ),
  ),
  fleets: Type.Optional(Type.Array(Type.Object({ name: Type.String(), workers: Num, desired: Num }))),
});

/** What the run keeps of one ops sample. */
export interface OpsSnapshot {
  /** Backlog (waiting + active) per queue. */
  readonly queues: Record<string, number>;
  readonly queueAgeSeconds: Record<string, number>;
  readonly workers: Record<string, { workers: number; desired: number }>;
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

/** Polls `GET /api/ops/status` on its own connection so a saturated pool does not starve it. */
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

export function toSnapshot(status: (typeof OpsStatus)['static']): OpsSnapshot {
  const queues: Record<string, number> = {};
  const queueAgeSeconds: Record<string, number> = {};
  for (const q of status.queues ?? []) {
    queues[q.name] = q.backlog ?? (q.waiting ?? 0) + (q.active ?? 0);
    if (q.oldestAgeSeconds !== undefined) queueAgeSeconds[q.name] = q.oldestAgeSeconds;
  }
  const workers: Record<string, { workers: number; desired: number }> = {};
  for (const f of status.fleets ?? []) workers[f.name] = { workers: f.workers ?? 0, desired: f.desired ?? 0 };
  return { queues, queueAgeSeconds, workers };
}
