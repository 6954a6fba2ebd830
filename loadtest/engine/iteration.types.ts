/** What one scenario iteration is told when it starts. */
export interface IterationContext {
  /** When the schedule wanted this iteration to start (clock ms); latencies count from here. */
  readonly intendedAt: number;
  /** Virtual user number in the closed model, iteration number in the open model. */
  readonly index: number;
  /** Aborted when the run is over (grace period spent or hard timeout). */
  readonly signal: AbortSignal;
}

/** Runs one iteration; resolves `true` when every step succeeded. Never rejects. */
export type Iterate = (ctx: IterationContext) => Promise<boolean>;

/** What a scheduler reports to the run while it works. */
export interface SchedulerHooks {
  onStart?(ctx: IterationContext, startedAt: number, late: boolean): void;
  onEnd?(ctx: IterationContext, endedAt: number, ok: boolean): void;
}

export interface SchedulerOutcome {
  readonly scheduled: number;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly late: number;
  /** Arrivals that found --max-inflight reached and had to wait for a slot (open model). */
  readonly queued: number;
  /** Scheduled but never started because the run ended first. */
  readonly skipped: number;
}
