import { Value } from '@sinclair/typebox/value';
import { FleetStatus } from './ops.schemas';

/** What the autoscaler says about its fleets, or that it could not be asked. */
export type FleetsReading =
  | { autoscaler: 'ok'; fleets: FleetStatus[] }
  | { autoscaler: 'unreachable'; fleets: []; reason: string };

/**
 * Reads the local autoscaler's status page. Its fleets are passed through as it reports them, once
 * each is checked against the shape the operator views promise; an autoscaler that is not running
 * (in AWS the fleets are ECS services) is not an error.
 */
export function createFleetsReader(deps: { url: string; timeoutMs?: number }) {
  return {
    async read(): Promise<FleetsReading> {
      try {
        const res = await fetch(deps.url, { signal: AbortSignal.timeout(deps.timeoutMs ?? 1000) });
        if (!res.ok) return { autoscaler: 'unreachable', fleets: [], reason: `HTTP ${res.status}` };
        const body = (await res.json()) as unknown;
        const fleets = Array.isArray(body) ? body : (body as { fleets?: unknown })?.fleets;
        if (!Array.isArray(fleets))
          return { autoscaler: 'unreachable', fleets: [], reason: 'no fleets in reply' };
        if (!fleets.every((f) => Value.Check(FleetStatus, f)))
          return { autoscaler: 'unreachable', fleets: [], reason: 'fleets not as /status reports them' };
        return { autoscaler: 'ok', fleets };
      } catch (error) {
        return { autoscaler: 'unreachable', fleets: [], reason: (error as Error).message };
      }
    },
  };
}

export type FleetsReader = ReturnType<typeof createFleetsReader>;
