import type { IncomingHttpHeaders } from 'node:http';
import type { SimSettings } from './llm-sim.config';
import type { Random } from './llm-sim.random';

export type Fault = '429' | '500' | 'cut' | 'none';

/** What one request runs with after per-request headers are applied. */
export interface RequestPlan {
  fault: Fault;
  ttftMs: number;
  itlMs: number;
}

export type PlanResult = { ok: true; plan: RequestPlan } | { ok: false; message: string; param: string };

const faults: ReadonlySet<string> = new Set(['429', '500', 'cut', 'none']);
const maxDelayMs = 600_000;

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function delayHeader(headers: IncomingHttpHeaders, name: string, fallback: number): number | string {
  const raw = headerValue(headers, name);
  if (raw === undefined) return fallback;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > maxDelayMs) {
    return `Header '${name}' must be a number of milliseconds between 0 and ${maxDelayMs}, got "${raw}".`;
  }
  return value;
}

/**
 * Decides the fault and timing of one request. The fault draw happens for every request, even
 * when a header forces the outcome, so the seeded sequence seen by later requests stays the same.
 */
export function planRequest(headers: IncomingHttpHeaders, settings: SimSettings, random: Random): PlanResult {
  const draw = random();
  let fault: Fault = 'none';
  if (draw < settings.rate429) fault = '429';
  else if (draw < settings.rate429 + settings.rate500) fault = '500';
  else if (draw < settings.rate429 + settings.rate500 + settings.rateCut) fault = 'cut';

  const forced = headerValue(headers, 'x-sim-fault')?.trim().toLowerCase();
  if (forced !== undefined) {
    if (!faults.has(forced)) {
      return {
        ok: false,
        message: `Header 'x-sim-fault' must be one of 429, 500, cut, none.`,
        param: 'x-sim-fault',
      };
    }
    fault = forced as Fault;
  }
  const ttftMs = delayHeader(headers, 'x-sim-ttft-ms', settings.ttftMs);
  if (typeof ttftMs === 'string') return { ok: false, message: ttftMs, param: 'x-sim-ttft-ms' };
  const itlMs = delayHeader(headers, 'x-sim-itl-ms', settings.itlMs);
  if (typeof itlMs === 'string') return { ok: false, message: itlMs, param: 'x-sim-itl-ms' };
  return { ok: true, plan: { fault, ttftMs, itlMs } };
}

/** A delay scaled by a uniform factor in [1 - jitter, 1 + jitter]: the mean stays the configured one. */
export function jittered(baseMs: number, jitter: number, random: Random): number {
  return jitter === 0 ? baseMs : baseMs * (1 + jitter * (2 * random() - 1));
}
