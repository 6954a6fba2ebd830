import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refOf, type Synthesized, synth } from '../infra/test/synth';
import { buildRuntime } from '../scripts/build';
import { createLlmSim } from '../services/llm-sim/llm-sim.app';
import { createSqs, resolveWritesQueues } from '../shared/sqs/sqs.client';
import { startSqsEmulator } from '../shared/sqs/sqs.emulator';
import { type RedisServer, startRedisServer } from './chaos/redis.server';
import { createClient, eventually, replyText } from './harness/client';
import { createTestDatabase, mysqlServerUrl } from './harness/databases';
import { type ChildHandle, spawnReady } from './harness/processes';
import { selfSignedCertificate } from './harness/tls';

// The processes run with the environment and secrets of the synthesized ECS task definitions, and
// are reached the way the load balancer and a metrics scraper reach a container: from another
// address than loopback. A process listening on 127.0.0.1 fails here as it would fail in AWS.
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === 'IPv4' && !a.internal)?.address;

interface ContainerDefinition {
  Name: string;
  Command: string[];
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
}

const entries = {
  migrate: 'dist/shared/db/migrate.main.js',
  gateway: 'dist/services/gateway/main.js',
  chat: 'dist/workers/chat/main.js',
  writer: 'dist/workers/writer/main.js',
} as const;

function containerRunning(stack: Synthesized, entry: string): ContainerDefinition {
  const found = Object.values(stack.resources('AWS::ECS::TaskDefinition'))
    .flatMap((task) => task.Properties.ContainerDefinitions as ContainerDefinition[])
    .find((c) => c.Command.at(-1) === entry);
  if (!found) throw new Error(`no container runs ${entry}`);
  return found;
}

/** The JSON key of a secret reference (`<secret arn>:<key>::`), as ECS reads it. */
function jsonKeyOf(valueFrom: unknown): { secret: string | undefined; key: string | undefined } {
  const join = (valueFrom as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return { secret: refOf(valueFrom), key: undefined };
  const [ref, suffix] = join[1];
  return { secret: refOf(ref), key: String(suffix).match(/^:(\w+)::$/)?.[1] };
}

describe.skipIf(!outsideAddress)('the ECS task definitions, run on this machine', () => {
  const id = randomBytes(4).toString('hex');
  const children: ChildHandle[] = [];
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  let stack: Synthesized;
  let redis: RedisServer;
  let certFile: string;
  let gatewayUrl: string;
  const metricsUrls: Record<string, string> = {};
  const ports = (output: string, pattern: RegExp) => {
    const port = output.match(pattern)?.[1];
    if (!port) throw new Error(`no port in:\n${output}`);
    return Number(port);
  };

  beforeAll(async () => {
    stack = synth();
    cleanup.push(() => stack.dispose());
    // The image runs the compiled processes (npm run build).
    await buildRuntime();

    // Stand-ins for what AWS provides: ElastiCache (TLS, AUTH token), Aurora (a user whose password
    // has every URL-special character), SQS, OpenAI.
    const cert = selfSignedCertificate();
    cleanup.push(() => cert.remove());
    certFile = cert.certFile;
    const redisPassword = `tok/en@:%#?${id}`;
    redis = await startRedisServer({ tls: cert, password: redisPassword });
    cleanup.push(() => redis.destroy());
    const sqs = await startSqsEmulator();
    cleanup.push(() => sqs.close());
    const sqsClient = createSqs({ SQS_ENDPOINT: sqs.endpoint, AWS_REGION: 'us-east-1' });
    const queues = await resolveWritesQueues(sqsClient, {
      SQS_ENDPOINT: sqs.endpoint,
      AWS_REGION: 'us-east-1',
      SQS_WRITES_QUEUE_NAME: `aira-writes-${id}.fifo`,
    });
    sqsClient.destroy();
    const llm = createLlmSim({ settings: { ttftMs: 20, itlMs: 2, jitter: 0 } });
    const llmAddress = await llm.listen(0, '127.0.0.1');
    cleanup.push(() => llm.close());
    const database = await createTestDatabase('mysql');
    cleanup.push(() => database.drop());
    const server = new URL(mysqlServerUrl);
    const databaseName = new URL(database.url).pathname.slice(1);
    const user = `aira_${id}`;
    const password = `p@ss:w/rd%#?&= ${id}`;
    const admin = await createConnection(mysqlServerUrl);
    for (const host of ['%', 'localhost']) {
      await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
      await admin.query(`GRANT ALL ON \`${databaseName}\`.* TO ?@?`, [user, host]);
    }
    cleanup.push(async () => {
      for (const host of ['%', 'localhost']) await admin.query('DROP USER IF EXISTS ?@?', [user, host]);
      await admin.end();
    });

    // What ECS injects from each secret: Aurora's fields, or a whole secret's value.
    const auroraSecret: Record<string, string> = {
      host: server.hostname,
      port: server.port || '3306',
      username: user,
      password,
    };
    const wholeSecrets: Record<string, string> = {
      REDIS_PASSWORD: redisPassword,
      OPS_TOKEN: `ops-token-${id}-0123456789`,
      OPENAI_API_KEY: 'sk-local-simulator',
    };
    // Values only AWS resolves at deploy (intrinsics in the template), and their stand-ins.
    const resolvedByAws: Record<string, string> = {
      AWS_REGION: 'us-east-1',
      REDIS_URL: redis.url,
      SQS_WRITES_QUEUE_URL: queues.url,
      SQS_WRITES_DLQ_URL: queues.dlqUrl,
    };
    // Plain values that name something in AWS or a fixed port (tests never bind fixed ports; the
    // address is what is under test). Undefined drops the variable: the local MariaDB has no TLS.
    const standIns: Record<string, string | undefined> = {
      DB_NAME: databaseName,
      DB_SSL: undefined,
      OPENAI_BASE_URL: llmAddress.baseURL,
      PORT: '0',
      METRICS_PORT: '0',
    };
    // What a task has besides its definition: the AWS SDK's own endpoint, and the CA that signed
    // the cache's certificate (ElastiCache's is a public one).
    const platform = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SQS_ENDPOINT: sqs.endpoint,
      NODE_EXTRA_CA_CERTS: cert.certFile,
    };

    const environmentOf = (container: ContainerDefinition): Record<string, string> => {
      const env: Record<string, string> = { ...platform };
      for (const { Name, Value } of container.Environment ?? []) {
        if (typeof Value !== 'string') {
          const local = resolvedByAws[Name];
          if (local === undefined) throw new Error(`${Name} is resolved by AWS: give it a local stand-in`);
          env[Name] = local;
        } else if (Name in standIns) {
          const local = standIns[Name];
          if (local !== undefined) env[Name] = local;
        } else {
          env[Name] = Value;
        }
      }
      for (const { Name, ValueFrom } of container.Secrets ?? []) {
        const { secret, key } = jsonKeyOf(ValueFrom);
        const value = key ? auroraSecret[key] : wholeSecrets[Name];
        if (key) expect(secret, `${Name} comes from Aurora's secret`).toMatch(/^DataAuroraSecret/);
        if (value === undefined) throw new Error(`${container.Name}: no local value for the secret ${Name}`);
        env[Name] = value;
      }
      return env;
    };
    // The container's own command (`node …`), from the image's working directory: this repository.
    const commandOf = (container: ContainerDefinition) => {
      const [node, ...args] = container.Command;
      expect(node).toBe('node');
      return { command: process.execPath, args };
    };
    const start = (entry: string, ready: RegExp) => {
      const container = containerRunning(stack, entry);
      return spawnReady(entry, commandOf(container), environmentOf(container), ready, 60_000).then(
        (child) => {
          children.push(child);
          return child;
        },
      );
    };

    // The gateway task: migrations to completion first, as the container dependency says.
    const migrate = await start(entries.migrate, /applied|schema up to date/);
    expect(await migrate.exited).toBe(0);
    const [gateway, chat, writer] = await Promise.all([
      start(entries.gateway, /gateway ready/),
      start(entries.chat, /chat worker ready/),
      start(entries.writer, /writer worker ready/),
    ]);
    gatewayUrl = `http://${outsideAddress}:${ports(gateway!.output(), /"url":"http:\/\/[^"]*:(\d+)"/)}`;
    metricsUrls.chat = `http://${outsideAddress}:${ports(chat!.output(), /"metrics":"http:\/\/[^"]*:(\d+)\/metrics"/)}/metrics`;
    metricsUrls.writer = `http://${outsideAddress}:${ports(writer!.output(), /"metrics":"http:\/\/[^"]*:(\d+)\/metrics"/)}/metrics`;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await child.exited;
        clearTimeout(late);
      }),
    );
    for (const step of cleanup.reverse()) await step();
  }, 60_000);

  it('answers the load balancer’s health check on an address other than loopback', async () => {
    const res = await fetch(`${gatewayUrl}/readyz`);
    expect(res.status).toBe(200);
    // Both stores answered: Redis over TLS with the AUTH token, MariaDB with the assembled URL.
    expect(await res.json()).toEqual({ status: 'ok', checks: { redis: 'ok', database: 'ok' } });
  });

  it('serves a whole chat there: a Secure session cookie, a streamed reply, the turn saved through SQS', async () => {
    const api = createClient(gatewayUrl);
    const signIn = await api.request('POST', '/api/auth/guest');
    expect(signIn.status).toBe(201);
    expect(signIn.headers.get('set-cookie')).toMatch(/; Secure/i);
    const alice = api.withToken(signIn.json.token as string);
    const conversation = await alice.conversation();
    const { replyId } = await alice.send(conversation, 'hello from outside the container');
    const { events } = await alice.stream(replyId);
    expect(events.at(-1)?.event).toBe('done');
    expect(replyText(events).length).toBeGreaterThan(0);
    const history = await eventually(
      () => alice.history(conversation),
      (messages) => messages.length === 2,
      30_000,
    );
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('lets each worker’s /metrics be scraped from outside its container', async () => {
    for (const [fleet, url] of Object.entries(metricsUrls)) {
      const res = await fetch(url);
      expect(res.status, fleet).toBe(200);
      expect(await res.text(), fleet).toContain('process_cpu_seconds_total');
    }
  });

  it('ran against a cache that refuses a client without the token, like ElastiCache', async () => {
    const probe = new Redis(redis.url, {
      tls: { ca: readFileSync(certFile) },
      enableReadyCheck: false,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    await probe.connect().catch(() => {});
    await expect(probe.ping()).rejects.toThrow(/NOAUTH/);
    probe.disconnect();
  });
});
