import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { queueMetricsNamespace } from '../../services/queue-metrics/queue-metrics.names';
import { containerCommand, type EntryName } from '../../shared/process/entries';
import { fleets } from '../../shared/scaling/fleets.config';
import { type Data, databaseName } from './data';
import type { Queues } from './queues';
import { chatWorkerScaling, workerScalingFor } from './scaling';
import type { AppSecrets } from './secrets';
import type { AiraSettings } from './settings';

export interface ServicesProps {
  readonly vpc: ec2.IVpc;
  readonly settings: AiraSettings;
  /** One image for every service; each runs its own entry file. */
  readonly image: ecs.ContainerImage;
  readonly data: Data;
  readonly queues: Queues;
  readonly secrets: AppSecrets;
}

export const gatewayPort = 3000;
export const chatMetricsPort = 9101;
export const writerMetricsPort = 9102;

/** The gateway's SSE clients resume on another task with Last-Event-ID, so it needs no long drain. */
const gatewayStopTimeoutSeconds = 30;

/** Proxies that append to X-Forwarded-For before the gateway: CloudFront, then the load balancer. */
export const gatewayProxyHops = 2;

/** Prefix of every Redis key and BullMQ queue (the services' AIRA_PREFIX). */
const redisPrefix = 'aira';

/** Every interface: the load balancer and the metrics scrapers connect from outside the container. */
const allInterfaces = '0.0.0.0';

interface AppContainer {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly entry: EntryName;
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, ecs.Secret>;
  readonly stopTimeoutSeconds?: number;
  /** A run-once container (migrations) is not essential: its exit must not stop the task. */
  readonly runOnce?: boolean;
  /** Port and path `node -e fetch(...)` checks inside the container. */
  readonly health?: { port: number; path: string };
}

/**
 * The ECS cluster and the four Fargate services, all from one image: gateway (behind the load
 * balancer), chat workers (BullMQ), writer workers (SQS) and the queue-metrics publisher. Each
 * task role gets only what that process does.
 */
export class Services extends Construct {
  readonly cluster: ecs.Cluster;
  readonly gateway: ecs.FargateService;
  readonly chat: ecs.FargateService;
  readonly writer: ecs.FargateService;
  readonly queueMetrics: ecs.FargateService;
  private readonly logGroup: logs.LogGroup;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ServicesProps,
  ) {
    super(scope, id);
    const { vpc, settings, data, queues, secrets } = props;

    // Container Insights supplies RunningTaskCount, the divisor of the backlog-per-task metric.
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });

    // The database in parts: Aurora's secret field by field (shared/config/connection.urls.ts builds
    // DATABASE_URL at start, so a rotation reaches every task started after it). `Amazon RDS` is
    // mysql2's built-in profile for the RDS certificate authorities.
    const databaseEnvironment = { DB_NAME: databaseName, DB_SSL: 'Amazon RDS' };
    const databaseSecrets = {
      DB_HOST: ecs.Secret.fromSecretsManager(data.databaseSecret, 'host'),
      DB_PORT: ecs.Secret.fromSecretsManager(data.databaseSecret, 'port'),
      DB_USER: ecs.Secret.fromSecretsManager(data.databaseSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(data.databaseSecret, 'password'),
    };
    const redis = {
      environment: { REDIS_URL: data.redisUrl },
      secrets: { REDIS_PASSWORD: ecs.Secret.fromSecretsManager(data.redisAuthToken) },
    };
    const common: Record<string, string> = {
      NODE_ENV: 'production',
      AWS_REGION: Stack.of(this).region,
      AIRA_PREFIX: redisPrefix,
      ...redis.environment,
      ...databaseEnvironment,
      SQS_WRITES_QUEUE_URL: queues.writes.queueUrl,
      SQS_WRITES_DLQ_URL: queues.writesDlq.queueUrl,
      ...(settings.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: settings.otlpEndpoint } : {}),
    };
    const commonSecrets = { ...redis.secrets, ...databaseSecrets };
    const workerEnvironment = { ...common, METRICS_HOST: allInterfaces };

    // Gateway, with the migrations as a run-once container that must succeed before it starts.
    const gatewayTask = this.taskDefinition('Gateway', 512, 1024);
    const migrate = this.addContainer(gatewayTask, 'migrate', {
      cpu: 128,
      memoryLimitMiB: 256,
      entry: 'migrate',
      environment: { NODE_ENV: 'production', ...databaseEnvironment },
      secrets: databaseSecrets,
      runOnce: true,
    });
    const gatewayContainer = this.addContainer(gatewayTask, 'gateway', {
      cpu: 384,
      memoryLimitMiB: 768,
      entry: 'gateway',
      environment: {
        ...common,
        HOST: allInterfaces,
        PORT: String(gatewayPort),
        TRUST_PROXY_HOPS: String(gatewayProxyHops),
        // Viewers reach the gateway over HTTPS only (CloudFront), so the session cookie says so.
        COOKIE_SECURE: 'true',
        OTEL_SERVICE_NAME: 'aira-gateway',
      },
      secrets: { ...commonSecrets, OPS_TOKEN: ecs.Secret.fromSecretsManager(secrets.opsToken) },
      stopTimeoutSeconds: gatewayStopTimeoutSeconds,
      health: { port: gatewayPort, path: '/healthz' },
    });
    gatewayContainer.addPortMappings({ containerPort: gatewayPort, name: 'http' });
    gatewayContainer.addContainerDependencies({
      container: migrate,
      condition: ecs.ContainerDependencyCondition.SUCCESS,
    });
    this.gateway = this.service('Gateway', gatewayTask);
    queues.writes.grantSendMessages(gatewayTask.taskRole);
    this.grantQueueAttributes(gatewayTask.taskRole);

    const chatScaling = chatWorkerScaling(settings);
    const chatTask = this.taskDefinition('Chat', 512, 1024);
    this.addContainer(chatTask, 'chat-worker', {
      cpu: 512,
      memoryLimitMiB: 1024,
      entry: 'chat-worker',
      environment: {
        ...workerEnvironment,
        METRICS_PORT: String(chatMetricsPort),
        OPENAI_BASE_URL: settings.openAiBaseUrl,
        OPENAI_MODEL: settings.openAiModel,
        OTEL_SERVICE_NAME: 'aira-chat-worker',
      },
      secrets: { ...commonSecrets, OPENAI_API_KEY: ecs.Secret.fromSecretsManager(secrets.openAiApiKey) },
      stopTimeoutSeconds: chatScaling.stopTimeoutSeconds,
      health: { port: chatMetricsPort, path: '/metrics' },
    });
    this.chat = this.service('Chat', chatTask);
    queues.writes.grantSendMessages(chatTask.taskRole);
    this.grantTaskProtection(chatTask.taskRole);

    const writerScaling = workerScalingFor(fleets.writer);
    const writerTask = this.taskDefinition('Writer', 256, 512);
    this.addContainer(writerTask, 'writer-worker', {
      cpu: 256,
      memoryLimitMiB: 512,
      entry: 'writer-worker',
      environment: {
        ...workerEnvironment,
        METRICS_PORT: String(writerMetricsPort),
        OTEL_SERVICE_NAME: 'aira-writer-worker',
      },
      secrets: commonSecrets,
      stopTimeoutSeconds: writerScaling.stopTimeoutSeconds,
      health: { port: writerMetricsPort, path: '/metrics' },
    });
    this.writer = this.service('Writer', writerTask);
    queues.writes.grantConsumeMessages(writerTask.taskRole);
    this.grantQueueAttributes(writerTask.taskRole);
    this.grantTaskProtection(writerTask.taskRole);

    // One small publisher for the whole system rather than a sidecar per chat task: one series in
    // CloudWatch, one PutMetricData permission, and it keeps reporting while chat scales.
    const metricsTask = this.taskDefinition('QueueMetrics', 256, 512);
    this.addContainer(metricsTask, 'queue-metrics', {
      cpu: 256,
      memoryLimitMiB: 512,
      entry: 'queue-metrics',
      environment: {
        NODE_ENV: 'production',
        AWS_REGION: Stack.of(this).region,
        ...redis.environment,
        // It reads the queues the workers use, under their prefix.
        BULLMQ_PREFIX: redisPrefix,
      },
      secrets: redis.secrets,
    });
    this.queueMetrics = this.service('QueueMetrics', metricsTask, 1);
    metricsTask.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': queueMetricsNamespace } },
      }),
    );
    Validations.of(metricsTask.taskRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:PutMetricData has no resource ARNs; the namespace condition narrows it to Aira/Queues.',
    });

    // Who may reach the data stores: every service but the publisher reaches the database.
    for (const [name, service] of Object.entries({
      gateway: this.gateway,
      chat: this.chat,
      writer: this.writer,
    })) {
      data.allowDatabaseFrom(securityGroupOf(service), `MySQL from ${name}`);
    }
    for (const [name, service] of Object.entries({
      gateway: this.gateway,
      chat: this.chat,
      writer: this.writer,
      'queue-metrics': this.queueMetrics,
    })) {
      data.allowCacheFrom(securityGroupOf(service), `Redis from ${name}`);
    }
  }

  private taskDefinition(id: string, cpu: number, memoryLimitMiB: number): ecs.FargateTaskDefinition {
    const task = new ecs.FargateTaskDefinition(this, `${id}Task`, {
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    Validations.of(task).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only settings (ports, endpoints, queue URLs, model names); every password, token and key comes from Secrets Manager through `secrets`.',
    });
    Validations.of(task.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken, which pulling the image needs, has no resource ARNs.',
    });
    return task;
  }

  private addContainer(
    task: ecs.FargateTaskDefinition,
    name: string,
    spec: AppContainer,
  ): ecs.ContainerDefinition {
    return task.addContainer(name, {
      image: this.props.image,
      command: containerCommand(spec.entry),
      cpu: spec.cpu,
      memoryLimitMiB: spec.memoryLimitMiB,
      environment: spec.environment,
      secrets: spec.secrets,
      essential: !spec.runOnce,
      stopTimeout: spec.stopTimeoutSeconds ? Duration.seconds(spec.stopTimeoutSeconds) : undefined,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: name,
        // A slow log pipe must never stall a worker mid-reply.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
      healthCheck: spec.health
        ? {
            command: [
              'CMD',
              'node',
              '-e',
              `fetch('http://127.0.0.1:${spec.health.port}${spec.health.path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
            ],
            interval: Duration.seconds(15),
            timeout: Duration.seconds(5),
            retries: 3,
            startPeriod: Duration.seconds(30),
          }
        : undefined,
    });
  }

  private service(
    id: string,
    taskDefinition: ecs.FargateTaskDefinition,
    desiredCount?: number,
  ): ecs.FargateService {
    const securityGroup = new ec2.SecurityGroup(this, `${id}Sg`, {
      vpc: this.props.vpc,
      description: `Aira ${id} tasks`,
    });
    return new ecs.FargateService(this, id, {
      cluster: this.cluster,
      taskDefinition,
      // Unset for the scaled services: a deploy must not reset what auto scaling chose.
      desiredCount,
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });
  }

  private grantQueueAttributes(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [this.props.queues.writes.queueArn, this.props.queues.writesDlq.queueArn],
      }),
    );
  }

  /** Lets a worker protect its own task (shared/aws/task-protection.ts) through the ECS agent. */
  private grantTaskProtection(role: iam.IRole): void {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<${Stack.of(this).getLogicalId(this.cluster.node.defaultChild as ecs.CfnCluster)}>/*]`,
      reason:
        'A task protects itself, and its id is known only once it runs: the grant covers the tasks of this cluster.',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ecs',
            resource: 'task',
            resourceName: `${this.cluster.clusterName}/*`,
          }),
        ],
      }),
    );
  }
}

function securityGroupOf(service: ecs.FargateService): ec2.ISecurityGroup {
  const [group] = service.connections.securityGroups;
  if (!group) throw new Error(`${service.node.path} has no security group`);
  return group;
}
