import { SQSClient } from '@aws-sdk/client-sqs';
import type { LoadConfig } from '../cli/args.parse';
import type { Clock } from '../engine/clock';
import type { Iterate } from '../engine/iteration.types';
import { createBullmqTarget } from '../flood/bullmq.target';
import { createFloodScenario } from '../flood/flood.scenario';
import type { FloodTarget } from '../flood/flood.target';
import { createSqsTarget } from '../flood/sqs.target';
import { createHttpClient, type HttpClient } from '../http/http.client';
import type { MetricName } from '../metrics/metric.names';
import type { Recorder } from '../metrics/metrics.recorder';
import { createChatScenario, DEFAULT_MESSAGES } from '../scenarios/chat.scenario';
import { createSurveyScenario } from '../scenarios/survey.scenario';
import { createWeightedPicker } from '../scenarios/weighted.picker';

export interface BuiltScenario {
  readonly iterate: Iterate;
  /** The flooded queue, for the run to check that something consumes it. */
  readonly flood?: Pick<FloodTarget, 'label' | 'consumers'>;
  close(): Promise<void>;
}

/** The metric the progress line and the latency chart follow for each scenario. */
export function mainMetricOf(scenario: LoadConfig['scenario']): MetricName {
  switch (scenario) {
    case 'chat':
    case 'mixed':
      return 'ttft';
    case 'survey':
      return 'survey_complete';
    case 'http':
      return 'http_request';
    case 'flood':
      return 'flood_send';
  }
}

/** Connections for the run's pool: one per iteration that may be in flight at once. */
function poolSize(config: LoadConfig): number {
  const { model } = config;
  return model.kind === 'open' ? model.maxInflight : model.kind === 'closed' ? model.vus : model.connections;
}

function buildFloodTarget(config: LoadConfig): FloodTarget {
  const flood = config.flood!;
  if (flood.transport === 'bullmq') {
    return createBullmqTarget({ redisUrl: flood.redisUrl, queueName: flood.queue, prefix: flood.prefix });
  }
  const client = new SQSClient({
    region: flood.region,
    ...(flood.endpoint ? { endpoint: flood.endpoint } : {}),
    // Local emulators accept any credentials; real AWS uses the usual credential chain.
    ...(flood.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return createSqsTarget({ client, queueUrl: flood.queueUrl });
}

export function buildScenario(config: LoadConfig, rec: Recorder, clock: Clock): BuiltScenario {
  if (config.scenario === 'flood') {
    const target = buildFloodTarget(config);
    return {
      iterate: createFloodScenario({ rec, clock }, target, config.flood!.batch),
      flood: target,
      close: () => target.close(),
    };
  }
  const http: HttpClient = createHttpClient({
    origin: config.target,
    connections: poolSize(config),
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const deps = { http, rec, clock, requestTimeoutMs: config.requestTimeoutMs };
  const chat = () =>
    createChatScenario(deps, {
      ...config.chat,
      messages: config.chat.messages ?? DEFAULT_MESSAGES,
    });
  const survey = () => createSurveyScenario(deps, config.survey);
  let iterate: Iterate;
  if (config.scenario === 'chat') iterate = chat();
  else if (config.scenario === 'survey') iterate = survey();
  else {
    const scenarios = { chat: chat(), survey: survey() };
    const pick = createWeightedPicker(config.weights);
    iterate = (ctx) => scenarios[pick()](ctx);
  }
  return { iterate, close: () => http.close() };
}
