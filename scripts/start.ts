import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type Autoscaler, defaultFleets, startAutoscaler } from '../services/autoscaler/autoscaler';
import { loadAutoscalerConfig } from '../services/autoscaler/autoscaler.config';
import { createDb, dialectOf, migrateToLatest } from '../shared/db/database';
import { entryCommand, repoRoot } from '../shared/process/entries';
import { runProcess } from '../shared/process/run.process';
import { fleets, stopTimeoutSeconds } from '../shared/scaling/fleets.config';
import { createSqs, resolveWritesQueues } from '../shared/sqs/sqs.client';
import { startSqsEmulator } from '../shared/sqs/sqs.emulator';
import { createLogger } from '../shared/telemetry/logger';
import { humanize } from './start/log.prefix';
import { assertPortsFree, type PortClaim } from './start/ports.check';
import { ensureRedis, redisAnswers } from './start/redis.local';
import { type ServiceProcess, spawnService } from './start/service.process';
import { loadStartConfig } from './start/start.config';

const say = (line: string) => process.stdout.write(`[aira] ${line}\n`);

/**
 * `npm start`: the whole stack on one machine, with local stand-ins for whatever is not
 * configured (Redis, SQS, the LLM; SQLite for the database). Every port is checked before anything
 * starts. Ctrl-C stops it in an order that loses nothing: the gateway stops accepting, chat
 * workers finish or hand back their replies, the writers empty the writes queue, and only then do
 * the stand-ins stop. Should this process die, every process it started stops by itself
 * (shared/process/spawn.process.ts).
 */
runProcess({
  name: 'aira',
  config: (env) => {
    const start = loadStartConfig(env);
    // SQLite takes one writer at a time: more writer processes only queue on its lock (each still
    // runs several receivers).
    const scaling = { ...(!start.DATABASE_URL && { AUTOSCALER_WRITER_MAX: '1' }), ...env };
    return { ...start, autoscaler: start.AUTOSCALE ? loadAutoscalerConfig(scaling) : undefined };
  },
  logger: (config) =>
    createLogger('aira', config.LOG_LEVEL, { write: (line: string) => say(humanize(line.trimEnd())) }),
  // Each fleet's drain, then the writes queue emptied, with room to spare; a second Ctrl-C is at once.
  deadlineMs: (stopTimeoutSeconds(fleets.chat) + stopTimeoutSeconds(fleets.writer) + 60) * 1000,
  main: async ({ config, shutdown }) => {
    const claims: PortClaim[] = [{ port: config.PORT, host: config.HOST, variable: 'PORT' }];
    // A redis-server is started when none answers at REDIS_URL.
    if (!(await redisAnswers(config.REDIS_URL))) {
      claims.push({ port: config.LOCAL_REDIS_PORT, host: '127.0.0.1', variable: 'LOCAL_REDIS_PORT' });
    }
    if (!config.OPENAI_API_KEY) {
      claims.push({ port: config.LLM_SIM_PORT, host: config.LLM_SIM_HOST, variable: 'LLM_SIM_PORT' });
    }
    if (!config.SQS_ENDPOINT) {
      claims.push({ port: config.SQS_EMULATOR_PORT, host: '127.0.0.1', variable: 'SQS_EMULATOR_PORT' });
    }
    const workerPorts = (variable: string, base: number, count: number) =>
      Array.from({ length: base === 0 ? 0 : count }, (_, i) => ({
        port: base + i,
        host: config.METRICS_HOST,
        variable,
      }));
    if (config.autoscaler) {
      const { AUTOSCALER_PORT: port, AUTOSCALER_HOST: host } = config.autoscaler;
      claims.push({ port, host, variable: 'AUTOSCALER_PORT' });
    } else {
      claims.push(
        ...workerPorts('CHAT_METRICS_PORT_BASE', config.CHAT_METRICS_PORT_BASE, config.CHAT_WORKERS),
      );
    }
    const writerCount = config.autoscaler ? (config.SQS_ENDPOINT ? 0 : 1) : config.WRITER_WORKERS;
    claims.push(...workerPorts('WRITER_METRICS_PORT_BASE', config.WRITER_METRICS_PORT_BASE, writerCount));
    await assertPortsFree(claims);

    let index = 0;
    const standIns: ServiceProcess[] = [];
    let llm: ServiceProcess | undefined;
    let emulator: Awaited<ReturnType<typeof startSqsEmulator>> | undefined;
    let sqs: ReturnType<typeof createSqs> | undefined;
    let queueUrl: string | undefined;
    let autoscaler: Autoscaler | undefined;
    let gateway: ServiceProcess | undefined;
    const chats: ServiceProcess[] = [];
    const writers: ServiceProcess[] = [];
    let env: Record<string, string | undefined> = {};

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

    // Whatever has started, stopped in the order that loses nothing; also after a failed start.
    shutdown.add('the stack, gateway first', async () => {
      say('stopping (the gateway first, then workers finish what they hold)');
      await gateway?.stop();
      await Promise.all(chats.map((c) => c.stop()));
      await autoscaler?.stop();
      // The emulator keeps messages in memory: the writers empty the queue before it goes (a last
      // writer is started if the fleet has already stopped).
      if (emulator && sqs && queueUrl) {
        const last = writers.length
          ? []
          : await spawnFleet('writer', 1, config.WRITER_METRICS_PORT_BASE).catch(() => []);
        await drainWrites(sqs, queueUrl, 30_000);
        await Promise.all(last.map((w) => w.stop()));
      }
      await Promise.all(writers.map((w) => w.stop()));
      await llm?.stop();
      await emulator?.close();
      for (const p of standIns) await p.stop();
      sqs?.destroy();
    });

    const redis = await ensureRedis({
      url: config.REDIS_URL,
      port: config.LOCAL_REDIS_PORT,
      dataDir: config.AIRA_DATA_DIR,
      index: index++,
    });
    if (redis.process) standIns.push(redis.process);
    say(redis.process ? `started redis-server at ${redis.url}` : `using Redis at ${redis.url}`);

    emulator = config.SQS_ENDPOINT ? undefined : await startSqsEmulator(config.SQS_EMULATOR_PORT);
    const sqsEndpoint = config.SQS_ENDPOINT ?? emulator?.endpoint;
    say(
      emulator
        ? `started the SQS emulator at ${emulator.endpoint}`
        : `using SQS at ${sqsEndpoint ?? `AWS ${config.AWS_REGION}`}`,
    );

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
    const applied = await migrateToLatest(db).finally(() => db.destroy());
    say(
      `database: ${dialectOf(db)}${config.DATABASE_URL ? '' : ` at ${resolve(config.AIRA_DATA_DIR, 'aira.sqlite')}`}${applied.length ? `, applied ${applied.join(', ')}` : ''}`,
    );

    if (!existsSync(resolve(repoRoot, 'web/dist/index.html'))) {
      say('no web app in web/dist: `npm run build` builds it (`npm start` does so first)');
    }

    env = {
      ...process.env,
      ...openai,
      REDIS_URL: redis.url,
      SQS_ENDPOINT: sqsEndpoint,
      // The emulator may hold a long poll until it expires even when a message arrives; short
      // polls keep local writes prompt.
      WRITER_WAIT_SECONDS: process.env.WRITER_WAIT_SECONDS ?? (emulator ? '1' : undefined),
    };
    sqs = createSqs({ SQS_ENDPOINT: sqsEndpoint, AWS_REGION: config.AWS_REGION });
    queueUrl = (await resolveWritesQueues(sqs, { ...config, SQS_ENDPOINT: sqsEndpoint })).url;

    // The autoscaler runs the worker fleets on queue depth and age; AUTOSCALE=false runs fixed counts.
    if (config.autoscaler) {
      autoscaler = await startAutoscaler({
        config: { ...config.autoscaler, REDIS_URL: redis.url, SQS_ENDPOINT: sqsEndpoint },
        fleets: defaultFleets(env),
        log: createLogger('autoscaler', config.LOG_LEVEL, {
          // Every decision is on /status and in the metrics; the console shows the ones that change something.
          write: (line: string) => {
            if (!(line.includes('"direction":"hold"') && line.includes('"scaling decision"'))) {
              say(`autoscaler ${humanize(line.trimEnd())}`);
            }
          },
        }),
        output: (line) => {
          const match = /^(\[[^\]]+\]) (.*)$/.exec(line);
          process.stdout.write(match ? `${match[1]} ${humanize(match[2]!)}\n` : `${line}\n`);
        },
      });
    } else {
      writers.push(...(await spawnFleet('writer', config.WRITER_WORKERS, config.WRITER_METRICS_PORT_BASE)));
      chats.push(...(await spawnFleet('chat', config.CHAT_WORKERS, config.CHAT_METRICS_PORT_BASE)));
    }
    gateway = await spawnService({
      name: 'gateway',
      ...entryCommand('gateway'),
      env: {
        ...env,
        PORT: String(config.PORT),
        ...(autoscaler && { AUTOSCALER_URL: process.env.AUTOSCALER_URL ?? `${autoscaler.url}/status` }),
      },
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

    for (const p of [gateway, ...chats, ...writers, ...(llm ? [llm] : [])]) {
      void p.exited.then((code) => {
        if (!shutdown.started) say(`${p.name} exited unexpectedly (${code})`);
      });
    }
  },
});

async function drainWrites(sqs: ReturnType<typeof createSqs>, url: string, timeoutMs: number) {
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
