import { parseArgs } from 'node:util';
import { commonEnv } from '../../shared/config/common.config';
import { constantStage, parseStages, type Stage, totalDurationMs } from '../engine/stages.parse';
import { parseThreshold, type Threshold } from '../thresholds/thresholds';
import { checkUrl, duration, positive, UsageError } from './flag.checks';

export { UsageError };

export const SCENARIOS = ['chat', 'survey', 'mixed', 'http', 'flood'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export type UserScenario = 'chat' | 'survey';

export type LoadModel =
  | {
      readonly kind: 'open';
      readonly stages: readonly Stage[];
      readonly maxInflight: number;
      readonly lateThresholdMs: number;
    }
  | { readonly kind: 'closed'; readonly vus: number; readonly spawnRate: number; readonly durationMs: number }
  | {
      readonly kind: 'max-rate';
      readonly connections: number;
      readonly pipelining: number;
      readonly durationMs: number;
    };

export type FloodConfig =
  | {
      readonly transport: 'bullmq';
      readonly redisUrl: string;
      readonly queue: string;
      /** The stack's BullMQ prefix: `--bullmq-prefix`, else `AIRA_PREFIX`, else the stack's default. */
      readonly prefix: string;
      readonly batch: number;
    }
  | {
      readonly transport: 'sqs';
      readonly endpoint?: string;
      readonly region: string;
      readonly queueUrl: string;
      readonly batch: number;
    };

/** Everything a run needs, parsed once from the command line. */
export interface LoadConfig {
  readonly target: string;
  readonly scenario: ScenarioName;
  readonly weights: ReadonlyMap<UserScenario, number>;
  readonly model: LoadModel;
  /** Planned length of the load (stages or duration), before the grace period. */
  readonly plannedMs: number;
  readonly graceMs: number;
  readonly hardTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly chat: {
    readonly turns: number;
    readonly thinkMs: number;
    readonly jitter: number;
    readonly messages: readonly string[] | undefined;
    readonly streamTimeoutMs: number;
  };
  readonly survey: { readonly pollIntervalMs: number; readonly completeTimeoutMs: number };
  readonly http: { readonly path: string; readonly method: 'GET' | 'POST' | 'HEAD' };
  readonly flood: FloodConfig | undefined;
  readonly opsToken: string | undefined;
  readonly thresholds: readonly Threshold[];
  readonly outDir: string | undefined;
  readonly quiet: boolean;
}

const OPTIONS = {
  target: { type: 'string', default: 'http://127.0.0.1:3000' },
  scenario: { type: 'string', default: 'chat' },
  weights: { type: 'string', default: 'chat=3,survey=1' },
  stages: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  vus: { type: 'string' },
  'spawn-rate': { type: 'string', default: '10' },
  'max-inflight': { type: 'string', default: '1000' },
  'late-threshold': { type: 'string', default: '50ms' },
  connections: { type: 'string', default: '10' },
  pipelining: { type: 'string', default: '1' },
  path: { type: 'string', default: '/healthz' },
  method: { type: 'string', default: 'GET' },
  turns: { type: 'string', default: '3' },
  think: { type: 'string', default: '1s' },
  jitter: { type: 'string', default: '0.5' },
  message: { type: 'string', multiple: true },
  'request-timeout': { type: 'string', default: '30s' },
  'stream-timeout': { type: 'string', default: '120s' },
  'poll-interval': { type: 'string', default: '250ms' },
  'survey-timeout': { type: 'string', default: '30s' },
  grace: { type: 'string', default: '30s' },
  'hard-timeout': { type: 'string' },
  'flood-target': { type: 'string', default: 'bullmq' },
  queue: { type: 'string', default: 'chat' },
  'bullmq-prefix': { type: 'string' },
  'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  batch: { type: 'string', default: '1' },
  'sqs-endpoint': { type: 'string' },
  'sqs-queue-url': { type: 'string' },
  'aws-region': { type: 'string', default: 'us-east-1' },
  'ops-token': { type: 'string' },
  threshold: { type: 'string', multiple: true },
  out: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  'allow-remote': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseWeights(text: string): Map<UserScenario, number> {
  const weights = new Map<UserScenario, number>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    if (name !== 'chat' && name !== 'survey')
      throw new UsageError(`--weights: unknown scenario "${name}" (chat, survey)`);
    weights.set(name, positive(value ?? '', 'weights', { integer: false, allowZero: true }));
  }
  if ([...weights.values()].every((w) => w === 0))
    throw new UsageError('--weights: at least one weight must be > 0');
  return weights;
}

function parseModel(
  v: Record<string, string | boolean | string[] | undefined>,
  scenario: ScenarioName,
): LoadModel {
  const s = (k: string) => v[k] as string | undefined;
  if (scenario === 'http') {
    if (s('stages') || s('rate') || s('vus'))
      throw new UsageError('--scenario http runs at max rate: use --connections and --duration');
    return {
      kind: 'max-rate',
      connections: positive(s('connections')!, 'connections'),
      pipelining: positive(s('pipelining')!, 'pipelining'),
      durationMs: duration(s('duration') ?? '10s', 'duration'),
    };
  }
  const chosen = [s('stages') && '--stages', s('rate') && '--rate', s('vus') && '--vus'].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one load model, not ${chosen.join(' and ')}`);
  const open = (stages: Stage[]): LoadModel => ({
    kind: 'open',
    stages,
    maxInflight: positive(s('max-inflight')!, 'max-inflight'),
    lateThresholdMs: duration(s('late-threshold')!, 'late-threshold'),
  });
  if (s('stages')) {
    try {
      return open(parseStages(s('stages')!));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (s('rate')) {
    if (!s('duration')) throw new UsageError('--rate needs --duration');
    return open(
      constantStage(positive(s('rate')!, 'rate', { integer: false }), duration(s('duration')!, 'duration')),
    );
  }
  if (s('vus')) {
    if (!s('duration')) throw new UsageError('--vus needs --duration');
    return {
      kind: 'closed',
      vus: positive(s('vus')!, 'vus'),
      spawnRate: positive(s('spawn-rate')!, 'spawn-rate', { integer: false }),
      durationMs: duration(s('duration')!, 'duration'),
    };
  }
  throw new UsageError('choose a load model: --stages, --rate with --duration, or --vus with --duration');
}

/** Divides an open model's message rate into batches per second for the flood mode. */
function perBatch(model: LoadModel, batch: number): LoadModel {
  if (model.kind !== 'open' || batch === 1) return model;
  return {
    ...model,
    stages: model.stages.map((st) => ({ ...st, from: st.from / batch, to: st.to / batch })),
  };
}

export function parseLoadArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoadConfig | 'help' {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const s = (k: keyof typeof OPTIONS) => values[k] as string;
  const allowRemote = values['allow-remote'] === true;

  const scenario = s('scenario') as ScenarioName;
  if (!SCENARIOS.includes(scenario))
    throw new UsageError(`--scenario: "${scenario}" is not one of ${SCENARIOS.join(', ')}`);
  const target = checkUrl(s('target'), 'target', ['http:', 'https:'], allowRemote);
  if (target.pathname !== '/' || target.search)
    throw new UsageError('--target: give the origin only, e.g. http://127.0.0.1:3000');

  const batch = positive(s('batch'), 'batch');
  let flood: FloodConfig | undefined;
  if (scenario === 'flood') {
    const transport = s('flood-target');
    if (transport === 'bullmq') {
      checkUrl(s('redis-url'), 'redis-url', ['redis:', 'rediss:'], allowRemote);
      // The stack's own queues by default: a flood under another prefix fills a queue nobody reads.
      const prefix =
        (values['bullmq-prefix'] as string | undefined) || env.AIRA_PREFIX || commonEnv.AIRA_PREFIX.default;
      flood = { transport, redisUrl: s('redis-url'), queue: s('queue'), batch, prefix };
    } else if (transport === 'sqs') {
      const queueUrl = values['sqs-queue-url'] as string | undefined;
      if (!queueUrl) throw new UsageError('--flood-target sqs needs --sqs-queue-url (a FIFO queue URL)');
      if (!queueUrl.endsWith('.fifo'))
        throw new UsageError('--sqs-queue-url: the writes queue is FIFO (….fifo)');
      const endpoint = values['sqs-endpoint'] as string | undefined;
      checkUrl(
        endpoint ?? queueUrl,
        endpoint ? 'sqs-endpoint' : 'sqs-queue-url',
        ['http:', 'https:'],
        allowRemote,
      );
      flood = { transport, queueUrl, region: s('aws-region'), batch, ...(endpoint ? { endpoint } : {}) };
    } else {
      throw new UsageError(`--flood-target: "${transport}" is not bullmq or sqs`);
    }
  }

  const model =
    scenario === 'flood' ? perBatch(parseModel(values, scenario), batch) : parseModel(values, scenario);
  const plannedMs = model.kind === 'open' ? totalDurationMs(model.stages) : model.durationMs;
  if (plannedMs <= 0) throw new UsageError('the run must last longer than 0 s (--duration / --stages)');
  const graceMs = duration(s('grace'), 'grace');
  const hardTimeout = values['hard-timeout'] as string | undefined;
  const hardTimeoutMs = hardTimeout ? duration(hardTimeout, 'hard-timeout') : plannedMs + graceMs + 30_000;
  if (hardTimeoutMs < plannedMs) throw new UsageError('--hard-timeout is shorter than the planned run');

  const method = s('method').toUpperCase();
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD')
    throw new UsageError('--method: GET, POST or HEAD');
  const path = s('path');
  if (!path.startsWith('/')) throw new UsageError('--path must start with /');

  let thresholds: Threshold[];
  try {
    thresholds = ((values.threshold as string[] | undefined) ?? []).map(parseThreshold);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const jitter = Number(s('jitter'));
  if (!(jitter >= 0 && jitter <= 1)) throw new UsageError('--jitter must be between 0 and 1');

  const config: LoadConfig = {
    target: target.origin,
    scenario,
    weights: parseWeights(s('weights')),
    model,
    plannedMs,
    graceMs,
    hardTimeoutMs,
    requestTimeoutMs: duration(s('request-timeout'), 'request-timeout'),
    chat: {
      turns: positive(s('turns'), 'turns'),
      thinkMs: duration(s('think'), 'think'),
      jitter,
      messages: values.message as string[] | undefined,
      streamTimeoutMs: duration(s('stream-timeout'), 'stream-timeout'),
    },
    survey: {
      pollIntervalMs: duration(s('poll-interval'), 'poll-interval'),
      completeTimeoutMs: duration(s('survey-timeout'), 'survey-timeout'),
    },
    http: { path, method },
    flood,
    opsToken: values['ops-token'] as string | undefined,
    thresholds,
    outDir: values.out as string | undefined,
    quiet: values.quiet === true,
  };
  return Object.freeze(config);
}
