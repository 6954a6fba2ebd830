import type { LoadConfig } from '../cli/args.parse';
import type { Clock } from '../engine/clock';
import { runClosedModel } from '../engine/closed.scheduler';
import type { Iterate, SchedulerHooks } from '../engine/iteration.types';
import { runOpenModel } from '../engine/open.scheduler';
import { rateAt } from '../engine/stages.parse';
import { type ConsumerWatch, watchConsumers } from '../flood/consumer.watch';
import { runMaxRate } from '../http/max-rate.runner';
import type { MetricName } from '../metrics/metric.names';
import { createRecorder, type Recorder } from '../metrics/metrics.recorder';
import { type OpsSampler, startOpsSampler } from '../ops/ops.sampler';
import type { IterationTotals, RunResults, TimelinePoint } from './results.types';
import { noConsumerWarning, type RunWarning, rateLimitWarnings } from './run.warnings';
import { buildScenario, mainMetricOf } from './scenario.build';

export interface LoadRunDeps {
  readonly clock: Clock;
  /** Called once a second with the interval just closed (for the progress line). */
  readonly onTick?: (point: TimelinePoint, run: LiveView) => void;
  /** Aborting ends the run early (Ctrl-C); the results are still produced. */
  readonly interrupt?: AbortSignal;
}

export interface LiveView {
  readonly config: LoadConfig;
  readonly mainMetric: MetricName;
  readonly totals: IterationTotals;
  readonly errors: number;
  readonly ops: number;
  /** What makes the figures so far mean less than they seem (gateway 429s, an unread queue). */
  readonly warnings: readonly RunWarning[];
}

export interface FinishedRun {
  readonly results: Omit<RunResults, 'thresholds'>;
  readonly rec: Recorder;
}

// After the run is cut short, in-flight work gets this long to notice before results are written.
const SETTLE_MS = 2000;

/** Runs one load test end to end: scenario, scheduler, per-second timeline, ops sampling. */
export async function runLoad(config: LoadConfig, deps: LoadRunDeps): Promise<FinishedRun> {
  const { clock } = deps;
  const rec = createRecorder();
  const mainMetric = mainMetricOf(config.scenario);
  const stopScheduling = new AbortController();
  const stopIterations = new AbortController();
  let end: RunResults['end'] = 'completed';
  const cut = (why: RunResults['end']) => {
    if (stopIterations.signal.aborted) return;
    end = why;
    stopScheduling.abort();
    stopIterations.abort();
  };

  const totals = {
    scheduled: 0,
    started: 0,
    completed: 0,
    ok: 0,
    failed: 0,
    aborted: 0,
    late: 0,
    queued: 0,
    skipped: 0,
  };
  const interval = { started: 0, completed: 0, failed: 0, late: 0 };
  let opsTotal = 0;
  let errorsTotal = 0;
  const hooks: SchedulerHooks = {
    onStart(_ctx, _at, late) {
      totals.started++;
      interval.started++;
      if (late) {
        totals.late++;
        interval.late++;
      }
    },
    onEnd(ctx, endedAt, ok) {
      totals.completed++;
      interval.completed++;
      if (ok) {
        totals.ok++;
        rec.ok('iteration', endedAt - ctx.intendedAt);
      } else if (ctx.signal.aborted) {
        totals.aborted++;
      } else {
        totals.failed++;
        interval.failed++;
        rec.fail('iteration', 'failed');
      }
    },
  };

  const scenario = config.scenario === 'http' ? undefined : buildScenario(config, rec, clock);
  const sampler: OpsSampler | undefined = config.opsToken
    ? startOpsSampler({ origin: config.target, token: config.opsToken, intervalMs: 1000 })
    : undefined;
  const flood = scenario?.flood;
  const consumers: ConsumerWatch | undefined = flood
    ? watchConsumers(() => flood.consumers(), 1000)
    : undefined;
  /** `now`: the progress line warns of an idle queue while it is idle; the report, if it ever was. */
  const warnings = (now: boolean): RunWarning[] => {
    const found = rateLimitWarnings(rec.errorsByMetric());
    const { checks, idle } = consumers?.counts() ?? { checks: 0, idle: 0 };
    if (flood && (now ? consumers?.idleNow() : idle > 0))
      found.push(noConsumerWarning(flood.label, idle, checks));
    return found;
  };

  const t0 = clock.now();
  const startedAt = new Date();
  const timeline: TimelinePoint[] = [];
  const closeInterval = (): TimelinePoint => {
    const now = clock.now();
    const stats = rec.tick();
    opsTotal += stats.ops;
    errorsTotal += stats.errors;
    const point: TimelinePoint = {
      t: Math.round(now - t0) / 1000,
      targetRate: config.model.kind === 'open' ? rateAt(config.model.stages, now - t0) : null,
      ...interval,
      inflight: totals.started - totals.completed,
      ops: stats.ops,
      errors: stats.errors,
      metrics: stats.metrics,
      status: sampler?.latest() ?? null,
    };
    interval.started = interval.completed = interval.failed = interval.late = 0;
    timeline.push(point);
    return point;
  };
  let tickTimer: NodeJS.Timeout | undefined;
  const scheduleTick = (k: number) => {
    tickTimer = setTimeout(
      () => {
        const point = closeInterval();
        deps.onTick?.(point, {
          config,
          mainMetric,
          totals: { ...totals },
          errors: errorsTotal,
          ops: opsTotal,
          warnings: warnings(true),
        });
        scheduleTick(k + 1);
      },
      Math.max(0, t0 + k * 1000 - clock.now()),
    );
  };
  scheduleTick(1);

  const timers = [
    setTimeout(() => cut('grace_expired'), config.plannedMs + config.graceMs),
    setTimeout(() => cut('hard_timeout'), config.hardTimeoutMs),
  ];
  const onInterrupt = () => cut('interrupted');
  deps.interrupt?.addEventListener('abort', onInterrupt, { once: true });

  const work = runModel(
    config,
    rec,
    clock,
    scenario?.iterate,
    hooks,
    stopScheduling.signal,
    stopIterations.signal,
  );
  // Once the run is cut, stragglers get a moment to notice; they must not hold the results hostage.
  const settled = new Promise<void>((resolve) =>
    stopIterations.signal.addEventListener('abort', () => setTimeout(resolve, SETTLE_MS).unref(), {
      once: true,
    }),
  );
  let outcome: Awaited<typeof work> | undefined;
  try {
    outcome = await Promise.race([work, settled.then(() => undefined)]);
  } catch (err) {
    stopIterations.abort();
    consumers?.close();
    await Promise.all([scenario?.close(), sampler?.close()]);
    throw err;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    clearTimeout(tickTimer);
    deps.interrupt?.removeEventListener('abort', onInterrupt);
  }
  if (outcome) {
    totals.scheduled = outcome.scheduled;
    totals.skipped = outcome.skipped;
    totals.queued = outcome.queued;
  }
  if (config.scenario === 'http' && outcome) {
    // The max-rate mode has no iterations of its own: each request stands for one.
    Object.assign(totals, {
      started: outcome.started,
      completed: outcome.completed,
      ok: outcome.completed - outcome.failed,
      failed: outcome.failed,
    });
  }

  const elapsedMs = clock.now() - t0;
  if (elapsedMs - (timeline.at(-1)?.t ?? 0) * 1000 > 50) closeInterval();
  stopIterations.abort();
  consumers?.close();
  const runWarnings = warnings(false).map((w) => w.message);
  await Promise.all([scenario?.close(), sampler?.close()]);

  const summary = rec.summary(elapsedMs);
  return {
    rec,
    results: {
      tool: 'aira-loadtest',
      version: 1,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      elapsedMs,
      target: config.target,
      scenario: config.scenario,
      mainMetric,
      model: describeModel(config),
      options: describeOptions(config),
      end,
      iterations: { ...totals },
      metrics: summary.metrics,
      errors: summary.errors,
      warnings: runWarnings,
      counters: rec.counters(),
      timeline,
    },
  };
}

async function runModel(
  config: LoadConfig,
  rec: Recorder,
  clock: Clock,
  iterate: Iterate | undefined,
  hooks: SchedulerHooks,
  stopScheduling: AbortSignal,
  iterationSignal: AbortSignal,
) {
  const { model } = config;
  if (model.kind === 'max-rate') {
    const out = await runMaxRate(
      {
        origin: config.target,
        path: config.http.path,
        method: config.http.method,
        connections: model.connections,
        pipelining: model.pipelining,
        durationMs: model.durationMs,
        requestTimeoutMs: config.requestTimeoutMs,
      },
      { rec, clock, signal: iterationSignal },
    );
    return {
      scheduled: out.requests,
      started: out.requests,
      completed: out.requests,
      failed: out.failed,
      late: 0,
      queued: 0,
      skipped: 0,
    };
  }
  if (model.kind === 'open') {
    return runOpenModel({ clock, iterate: iterate!, hooks, stopScheduling, iterationSignal, ...model });
  }
  return runClosedModel({ clock, iterate: iterate!, hooks, stopScheduling, iterationSignal, ...model });
}

function describeModel(config: LoadConfig): Record<string, unknown> {
  const { model } = config;
  if (model.kind === 'open') {
    return {
      kind: 'open',
      stages: model.stages.map((s) => ({ durationMs: s.durationMs, from: s.from, to: s.to })),
      maxInflight: model.maxInflight,
      lateThresholdMs: model.lateThresholdMs,
    };
  }
  return { ...model };
}

function describeOptions(config: LoadConfig): Record<string, unknown> {
  const base = { plannedMs: config.plannedMs, graceMs: config.graceMs, hardTimeoutMs: config.hardTimeoutMs };
  switch (config.scenario) {
    case 'chat':
      return { ...base, ...config.chat, messages: config.chat.messages?.length ?? 'default' };
    case 'survey':
      return { ...base, ...config.survey };
    case 'mixed':
      return {
        ...base,
        weights: Object.fromEntries(config.weights),
        chat: config.chat,
        survey: config.survey,
      };
    case 'http':
      return { ...base, ...config.http };
    case 'flood': {
      const flood = config.flood!;
      const queue = flood.transport === 'bullmq' ? `${flood.prefix}:${flood.queue}` : flood.queueUrl;
      return { ...base, transport: flood.transport, queue, batch: flood.batch };
    }
  }
}
