import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleets } from '../../shared/scaling/fleets.config';
import { workerScalingFor } from '../lib/scaling';
import { refOf, synth, testImage, useStack } from './synth';

const stack = useStack();

interface Container {
  Name: string;
  Image: unknown;
  Command: string[];
  Essential: boolean;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  StopTimeout?: number;
}

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const entries = {
  gateway: 'dist/services/gateway/main.js',
  chat: 'dist/workers/chat/main.js',
  writer: 'dist/workers/writer/main.js',
  queueMetrics: 'dist/services/queue-metrics/main.js',
} as const;

function taskOf(entry: string) {
  const task = Object.values(stack().resources('AWS::ECS::TaskDefinition')).find((t) =>
    (t.Properties.ContainerDefinitions as Container[]).some((c) => c.Command.includes(entry)),
  );
  if (!task) throw new Error(`no task runs ${entry}`);
  return task.Properties as {
    ContainerDefinitions: Container[];
    TaskRoleArn: unknown;
    ExecutionRoleArn: unknown;
  };
}

/** A container's plain environment, by name. */
const env = (entry: string) =>
  Object.fromEntries((containerOf(entry).Environment ?? []).map((e) => [e.Name, e.Value]));

function containerOf(entry: string): Container {
  const container = taskOf(entry).ContainerDefinitions.find((c) => c.Command.includes(entry));
  if (!container) throw new Error(`no container runs ${entry}`);
  return container;
}

/** Every statement of the inline policies attached to a role. */
function statementsOf(roleArn: unknown): Statement[] {
  const roleId = refOf(roleArn);
  return Object.values(stack().resources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refOf(r) === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actionsOf(roleArn: unknown): string[] {
  return statementsOf(roleArn).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

describe('services', () => {
  it('run one image with a different command each', () => {
    for (const entry of Object.values(entries)) {
      const container = containerOf(entry);
      // Compiled JavaScript with the tracing preload, as every process starts.
      expect(container.Command).toEqual(['node', '--import', './dist/shared/telemetry/instrument.js', entry]);
      expect(container.Image).toBe(testImage);
    }
  });

  it('run in the private subnets without public IPs', () => {
    for (const service of Object.values(stack().resources('AWS::ECS::Service'))) {
      const network = service.Properties.NetworkConfiguration as {
        AwsvpcConfiguration: { AssignPublicIp: string; Subnets: unknown[] };
      };
      expect(network.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
      for (const subnet of network.AwsvpcConfiguration.Subnets) expect(refOf(subnet)).toMatch(/appSubnet/);
    }
  });

  it('run the migrations to completion before the gateway starts', () => {
    const gatewayTask = taskOf(entries.gateway);
    const migrate = gatewayTask.ContainerDefinitions.find((c) =>
      c.Command.includes('dist/shared/db/migrate.main.js'),
    );
    expect(migrate?.Essential).toBe(false);
    expect(containerOf(entries.gateway)).toMatchObject({
      Essential: true,
      DependsOn: [{ ContainerName: migrate?.Name, Condition: 'SUCCESS' }],
    });
  });

  it('give each process its configuration', () => {
    expect(env(entries.gateway).PORT).toBe('3000');
    expect(env(entries.chat).METRICS_PORT).toBe('9101');
    expect(env(entries.writer).METRICS_PORT).toBe('9102');
    for (const entry of [entries.gateway, entries.chat, entries.writer]) {
      expect(Object.keys(env(entry))).toEqual(
        expect.arrayContaining(['REDIS_URL', 'SQS_WRITES_QUEUE_URL', 'SQS_WRITES_DLQ_URL', 'AWS_REGION']),
      );
      expect(env(entry).SQS_ENDPOINT).toBeUndefined();
    }
    expect(containerOf(entries.chat).StopTimeout).toBe(workerScalingFor(fleets.chat).stopTimeoutSeconds);
  });

  it('listen on every interface, so the load balancer and metrics scrapers reach them', () => {
    expect(env(entries.gateway).HOST).toBe('0.0.0.0');
    expect(env(entries.chat).METRICS_HOST).toBe('0.0.0.0');
    expect(env(entries.writer).METRICS_HOST).toBe('0.0.0.0');
  });

  it('tell the gateway it sits behind HTTPS and two proxies (CloudFront, the load balancer)', () => {
    expect(env(entries.gateway).COOKIE_SECURE).toBe('true');
    expect(env(entries.gateway).TRUST_PROXY_HOPS).toBe('2');
  });

  it('have the publisher read the queues under the prefix the workers use', () => {
    expect(env(entries.chat).AIRA_PREFIX).toBe('aira');
    expect(env(entries.gateway).AIRA_PREFIX).toBe(env(entries.chat).AIRA_PREFIX);
    expect(env(entries.queueMetrics).BULLMQ_PREFIX).toBe(env(entries.chat).AIRA_PREFIX);
  });

  it('inject secrets only where they are used', () => {
    const secrets = (entry: string) => (containerOf(entry).Secrets ?? []).map((s) => s.Name).sort();
    const database = ['DB_HOST', 'DB_PASSWORD', 'DB_PORT', 'DB_USER'];
    expect(secrets(entries.gateway)).toEqual([...database, 'OPS_TOKEN', 'REDIS_PASSWORD']);
    expect(secrets(entries.chat)).toEqual([...database, 'OPENAI_API_KEY', 'REDIS_PASSWORD']);
    expect(secrets(entries.writer)).toEqual([...database, 'REDIS_PASSWORD']);
    expect(secrets(entries.queueMetrics)).toEqual(['REDIS_PASSWORD']);
    expect(secrets('dist/shared/db/migrate.main.js')).toEqual(database);
    // The OpenAI key's secret is readable by the chat workers' execution role and no other.
    const openAi = containerOf(entries.chat).Secrets?.find((s) => s.Name === 'OPENAI_API_KEY');
    const openAiSecretId = refOf(openAi?.ValueFrom);
    for (const [name, entry] of Object.entries(entries)) {
      const readsIt = JSON.stringify(statementsOf(taskOf(entry).ExecutionRoleArn)).includes(
        `"${openAiSecretId}"`,
      );
      expect(readsIt, name).toBe(name === 'chat');
    }
  });
});

describe('task roles (least privilege)', () => {
  it('let the gateway and chat workers send writes but not consume them', () => {
    for (const entry of [entries.gateway, entries.chat]) {
      const actions = actionsOf(taskOf(entry).TaskRoleArn);
      expect(actions).toContain('sqs:SendMessage');
      expect(actions).not.toContain('sqs:ReceiveMessage');
      expect(actions).not.toContain('sqs:DeleteMessage');
    }
  });

  it('let the writers consume writes but not send them', () => {
    const actions = actionsOf(taskOf(entries.writer).TaskRoleArn);
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actions).not.toContain('sqs:SendMessage');
  });

  it('let only the publisher put metrics, and only into Aira/Queues', () => {
    const publisher = statementsOf(taskOf(entries.queueMetrics).TaskRoleArn);
    expect(publisher).toEqual([
      {
        Action: 'cloudwatch:PutMetricData',
        Effect: 'Allow',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Aira/Queues' } },
      },
    ]);
    for (const entry of [entries.gateway, entries.chat, entries.writer]) {
      expect(actionsOf(taskOf(entry).TaskRoleArn)).not.toContain('cloudwatch:PutMetricData');
    }
  });

  it('let only the workers protect their own tasks from scale-in', () => {
    for (const [name, entry] of Object.entries(entries)) {
      const statement = statementsOf(taskOf(entry).TaskRoleArn).find((s) =>
        [s.Action].flat().includes('ecs:UpdateTaskProtection'),
      );
      expect(Boolean(statement), name).toBe(name === 'chat' || name === 'writer');
      if (statement) expect(JSON.stringify(statement.Resource)).toContain(':task/');
    }
  });
});

describe('image', () => {
  it('is built from the repository Dockerfile (runtime stage) when no image is given', () => {
    const built = synth({ 'aira:image': undefined });
    try {
      const images = Object.values(built.resources('AWS::ECS::TaskDefinition')).flatMap((task) =>
        (task.Properties.ContainerDefinitions as Container[]).map((c) => JSON.stringify(c.Image)),
      );
      expect(new Set(images).size).toBe(1);
      expect(images[0]).toContain('cdk-hnb659fds-container-assets');
      const manifest = JSON.parse(readFileSync(join(built.outdir, 'Aira.assets.json'), 'utf8')) as {
        dockerImages: Record<
          string,
          { source: { directory: string; dockerFile?: string; dockerBuildTarget?: string } }
        >;
      };
      const assets = Object.values(manifest.dockerImages);
      expect(assets).toHaveLength(1);
      expect(assets[0]?.source).toMatchObject({ dockerFile: 'Dockerfile', dockerBuildTarget: 'runtime' });
      // The staged build context honours .dockerignore: no CDK app, no node_modules.
      const staged = join(built.outdir, assets[0]?.source.directory ?? '');
      expect(existsSync(join(staged, 'Dockerfile'))).toBe(true);
      expect(existsSync(join(staged, 'services', 'queue-metrics', 'main.ts'))).toBe(true);
      expect(existsSync(join(staged, 'infra'))).toBe(false);
      expect(existsSync(join(staged, 'node_modules'))).toBe(false);
    } finally {
      built.dispose();
    }
  });
});
