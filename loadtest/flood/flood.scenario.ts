import type { Iterate } from '../engine/iteration.types';
import { type ScenarioDeps, step } from '../scenarios/scenario.deps';
import type { FloodTarget } from './flood.target';

/** One iteration pushes one batch of `batch` messages into the flooded queue. */
export function createFloodScenario(
  deps: Pick<ScenarioDeps, 'rec' | 'clock'>,
  target: FloodTarget,
  batch: number,
): Iterate {
  return async ({ intendedAt, signal }) => {
    try {
      await step(deps, 'flood_send', intendedAt, signal, () => target.send(batch));
      deps.rec.count('flood_messages', batch);
      return true;
    } catch {
      return false;
    }
  };
}
