import type { FleetView } from './queue.model';

/** A scaling policy as the simulator drives it: once per tick, it sees the fleet and says its size. */
export interface Controller {
  readonly name: string;
  /** Called at the end of every tick; returns the desired number of workers. */
  next(view: FleetView): number;
  /** Scale-in grace before running jobs are killed, as the platform enforces it. */
  readonly stopGraceSeconds: number;
  readonly retire: 'least-busy' | 'random';
  /**
   * Whether the fleet's workers share the LLM provider's budget (wait for room, no 429s) rather than
   * each calling and retrying on its own.
   */
  readonly sharesProviderBudget?: boolean;
}
