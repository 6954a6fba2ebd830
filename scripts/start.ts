import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import pino from 'pino';
import { defaultFleets, startAutoscaler } from '../services/autoscaler/autoscaler';
import { loadAutoscalerConfig } from '../services/autoscaler/autoscaler.config';
import { runMain } from '../shared/config/env';
import { createDb, dialectOf, migrateToLatest } from '../shared/db/database';
import { entryCommand, repoRoot } from '../shared/process/entries';
import { createSqs, resolveWritesQueues } from '../shared/sqs/sqs.client';
import { startSqsEmulator } from '../shared/sqs/sqs.emulator';
import { humanize } from './start/log.prefix';
import { ensureRedis } from './start/redis.local';
import { type ServiceProcess, spawnService } from './start/service.process';
import { loadStartConfig } from './start/start.config';

/**
 * `npm start`: the whole stack on one machine, with local stand-ins for whatever is not
 * configured (Redis, SQS, the LLM; SQLite for the database). Ctrl-C stops it in an order that
 * loses nothing: the gateway stops accepting, chat workers finish or hand back their replies, the
 * writers empty the writes queue, and only then do the stand-ins stop.
 */
runMain(async () => {
  const config = loadStartConfig();
  const say = (line: string) => process.stdout.write(`[aira] ${line}\n`);
  let index = 0;
  const started: ServiceProcess[] = [];

  const redis = await ensureRedis({
    url: config.REDIS_URL,
    port: config.LOCAL_REDIS_PORT,
    dataDir: config.AIRA_DATA_DIR,
    index: index++,
  });
  if (redis.process) started.push(redis.process);
  say(redis.process ? `started redis-server at ${redis.url}` : `using Redis at ${redis.url}`);

  const emulator = config.SQS_ENDPOINT ? undefined : await startSqsEmulator(config.SQS_EMULATOR_PORT);
  const sqsEndpoint = config.SQS_ENDPOINT ?? emulator?.endpoint;
  say(
    emulator
      ? `started the SQS emulator at ${emulator.endpoint}`
      : `using SQS at ${sqsEndpoint ?? `AWS ${config.AWS_REGION}`}`,
  );

  let llm: ServiceProcess | undefined;
  let openai = {
    OPENAI_API_KEY: config.OPENAI_API_KEY,
    OPENAI_BASE_URL: config.OPENAI_BASE_URL,
    OPENAI_MODEL: config.OPENAI_MODEL,
  };
  if (!config.OPENAI_API_KEY) {
    llm = await spawnService({
      name: 'llm-sim',
      ...entryCommand('llm-sim'),
      env: { LLM_SIM_PORT: String(config.LLM_SIM_PORT) },
      ready: new URL(`http://127.0.0.1:${config.LLM_SIM_PORT}/healthz`),
      index: index++,
    });
    openai = {
      OPENAI_API_KEY: 'sk-local-simulator',
      OPENAI_BASE_URL: `http://127.0.0.1:${config.LLM_SIM_PORT}/v1`,
      OPENAI_MODEL: 'aira-sim',
    };
    say(`no OPENAI_API_KEY: replies come from the LLM simulator at ${openai.OPENAI_BASE_URL}`);
  }

  const db = createDb({ url: config.DATABASE_URL, dataDir: config.AIRA_DATA_DIR });
  const applied = await migrateToLatest(db);
  say(
    `database: ${dialectOf(db)}${config.DATABASE_URL ? '' : ` at ${resolve(config.AIRA_DATA_DIR, 'aira.sqlite')}`}${applied.length ? `, applied ${applied.join(', ')}` : ''}`,
  );
  await db.destroy();

  if (!existsSync(resolve(repoRoot, 'web/dist/index.html'))) {
    say('no web app in web/dist: `npm run build` builds it (`npm start` does so first)');
  }

  const env: Record<string, string | undefined> = {
    ...process.env,
    ...openai,
    REDIS_URL: redis.url,
    SQS_ENDPOINT: sqsEndpoint,
    // The emulator may hold a long poll until it expires even when a message arrives; short
    // polls keep local writes prompt.
    WRITER_WAIT_SECONDS: process.env.WRITER_WAIT_SECONDS ?? (emulator ? '1' : undefined),
  };
  const sqs = createSqs({ SQS_ENDPOINT: sqsEndpoint, AWS_REGION: config.AWS_REGION });
  const queues = await resolveWritesQueues(sqs, { ...config, SQS_ENDPOINT: sqsEndpoint });

  const spawnFleet = (fleet: 'chat' | 'writer', count: number, base: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        spawnService({
          name: `${fleet}-${i + 1}`,
          ...entryCommand(`${fleet}-worker`),
          env: { ...env, METRICS_PORT: String(base + i), WORKER_ID: `${fleet}-${i + 1}` },
          ready: new URL(`http://127.0.0.1:${base + i}/healthz`),
          index: index++,
        }),
      ),
    );
  // The autoscaler runs the worker fleets on queue depth and age; AUTOSCALE=false runs fixed counts.
  const autoscaler = config.AUTOSCALE
    ? await startAutoscaler({
        config: loadAutoscalerConfig({
          // SQLite takes one writer at a time: more writer processes only queue on its lock (each
          // still runs several receivers).
          ...(!config.DATABASE_URL && { AUTOSCALER_WRITER_MAX: '1' }),
          ...env,
        }),
        fleets: defaultFleets(env),
        log: pino(
          { level: config.LOG_LEVEL, base: { service: 'autoscaler' } },
          {
            // Every decision is on /status and in the metrics; the console shows the ones that change something.
            write: (line: string) => {
              if (!(line.includes('"direction":"hold"') && line.includes('"scaling decision"'))) {
                say(`autoscaler ${humanize(line.trimEnd())}`);
              }
            },
          },
        ),
        output: (line) => {
          const match = /^(\[[^\]]+\]) (.*)$/.exec(line);
          process.stdout.write(match ? `${match[1]} ${humanize(match[2]!)}\n` : `${line}\n`);
        },
      })
    : undefined;
  const writers = autoscaler
    ? []
    : await spawnFleet('writer', config.WRITER_WORKERS, config.WRITER_METRICS_PORT_BASE);
  const chats = autoscaler
    ? []
    : await spawnFleet('chat', config.CHAT_WORKERS, config.CHAT_METRICS_PORT_BASE);
  const gateway = await spawnService({
    name: 'gateway',
    ...entryCommand('gateway'),
    env: { ...env, PORT: String(config.PORT) },
    ready: new URL(`http://127.0.0.1:${config.PORT}/healthz`),
    index: index++,
  });

  const base = `http://127.0.0.1:${config.PORT}`;
  say('ready:');
  say(`  web app   ${base}/`);
  say(`  API       ${base}/api`);
  say(`  API docs  ${base}/docs`);
  say(`  metrics   ${base}/metrics`);
  if (autoscaler) say(`  scaling   ${autoscaler.url}/status`);
  say('Ctrl-C stops everything.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (the gateway first, then workers finish what they hold)`);
    await gateway.stop();
    await Promise.all(chats.map((c) => c.stop()));
    await autoscaler?.stop();
    // The emulator keeps messages in memory: the writers empty the queue before it goes (a last
    // writer is started if the fleet has already stopped).
    if (emulator) {
      const last = writers.length ? [] : await spawnFleet('writer', 1, config.WRITER_METRICS_PORT_BASE);
      await drainWrites(sqs, queues.url, 30_000, say);
      await Promise.all(last.map((w) => w.stop()));
    }
    await Promise.all(writers.map((w) => w.stop()));
    await llm?.stop();
    await emulator?.close();
    for (const p of started) await p.stop();
    sqs.destroy();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const p of [gateway, ...chats, ...writers, ...(llm ? [llm] : [])]) {
    void p.exited.then((code) => {
      if (!stopping) say(`${p.name} exited unexpectedly (${code})`);
    });
  }
});

async function drainWrites(
  sqs: ReturnType<typeof createSqs>,
  url: string,
  timeoutMs: number,
  say: (s: string) => void,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const left =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (left === 0) return;
    say(`waiting for ${left} write(s) to reach the database`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
