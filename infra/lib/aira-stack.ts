import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import {
  backlogMetricName,
  oldestAgeMetricName,
  queueDimensionName,
  queueMetricsNamespace,
} from '../../services/queue-metrics/queue-metrics.names';
import { catalog } from '../../shared/jobs/catalog';
import { fleets } from '../../shared/scaling/fleets.config';
import { AccessLogs } from './access-logs';
import { Alarms, chatMetric } from './alarms';
import { Data } from './data';
import { LoadBalancer } from './load-balancer';
import { Network } from './network';
import { Queues } from './queues';
import {
  chatWorkerScaling,
  GatewayScalingPolicies,
  WorkerScalingPolicies,
  workerScalingFor,
} from './scaling';
import { AppSecrets } from './secrets';
import { Services } from './services';
import type { AiraSettings } from './settings';
import { Web } from './web';

export interface AiraStackProps extends StackProps {
  readonly settings: AiraSettings;
  /** Repository root: the Docker build context when no prebuilt image is given. */
  readonly repoRoot: string;
  /** Built web bundle to upload (normally <repoRoot>/web/dist). */
  readonly webDistDir: string;
}

/** Everything Aira runs on in one AWS account and region. */
export class AiraStack extends Stack {
  constructor(scope: Construct, id: string, props: AiraStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const accessLogs = new AccessLogs(this, 'AccessLogs', { retentionDays: settings.logRetentionDays });
    const { vpc } = new Network(this, 'Network', {
      natGateways: settings.natGateways,
      flowLogBucket: accessLogs.bucket,
    });
    const data = new Data(this, 'Data', {
      vpc,
      dbInstanceClass: settings.dbInstanceClass,
      cacheNodeType: settings.cacheNodeType,
    });
    const queues = new Queues(this, 'Queues');
    const secrets = new AppSecrets(this, 'Secrets', { openAiSecretArn: settings.openAiSecretArn });

    // One image asset shared by every container (a per-container asset would be built once each).
    const image = settings.image
      ? ecs.ContainerImage.fromRegistry(settings.image)
      : ecs.ContainerImage.fromDockerImageAsset(
          new ecrAssets.DockerImageAsset(this, 'Image', {
            directory: props.repoRoot,
            file: 'Dockerfile',
            target: 'runtime',
            platform: ecrAssets.Platform.LINUX_AMD64,
          }),
        );
    const services = new Services(this, 'Services', { vpc, settings, image, data, queues, secrets });
    const lb = new LoadBalancer(this, 'LoadBalancer', {
      vpc,
      settings,
      gateway: services.gateway,
      originVerify: secrets.originVerify,
      accessLogs,
    });
    new GatewayScalingPolicies(this, 'GatewayScaling', {
      service: services.gateway,
      cluster: services.cluster,
      alb: lb.alb,
      minCapacity: settings.gatewayMinTasks,
      maxCapacity: settings.gatewayMaxTasks,
      connectionsPerTask: settings.gatewayConnectionsPerTask,
      cpuPercent: settings.gatewayCpuPercent,
    });

    // Chat: the BullMQ backlog and age come from the queue-metrics publisher.
    new WorkerScalingPolicies(this, 'ChatScaling', {
      service: services.chat,
      cluster: services.cluster,
      scaling: chatWorkerScaling(settings),
      backlog: [
        {
          namespace: queueMetricsNamespace,
          metricName: backlogMetricName,
          dimensions: { [queueDimensionName]: catalog.chat.name },
        },
      ],
      oldestAge: chatMetric(oldestAgeMetricName, 'Maximum'),
    });
    // Writers: SQS's own metrics; in-flight messages are work still being done, so they count.
    const writesQueue = { QueueName: queues.writes.queueName };
    new WorkerScalingPolicies(this, 'WriterScaling', {
      service: services.writer,
      cluster: services.cluster,
      scaling: workerScalingFor(fleets.writer),
      backlog: [
        { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: writesQueue },
        {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesNotVisible',
          dimensions: writesQueue,
        },
      ],
      oldestAge: queues.writes.metricApproximateAgeOfOldestMessage({
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
    });

    const web = new Web(this, 'Web', {
      alb: lb.alb,
      apiOrigin: lb.origin,
      originVerify: secrets.originVerify,
      webDistDir: props.webDistDir,
      accessLogs: accessLogs.bucket,
    });
    const alarms = new Alarms(this, 'Alarms', { alarmEmail: settings.alarmEmail, queues, alb: lb.alb, data });

    new CfnOutput(this, 'Url', { value: `https://${web.distribution.distributionDomainName}` });
    new CfnOutput(this, 'LoadBalancerDns', { value: lb.alb.loadBalancerDnsName });
    new CfnOutput(this, 'SiteBucket', { value: web.bucket.bucketName });
    new CfnOutput(this, 'DistributionId', { value: web.distribution.distributionId });
    new CfnOutput(this, 'OpenAiSecretArn', { value: secrets.openAiApiKey.secretArn });
    new CfnOutput(this, 'OpsTokenSecretArn', { value: secrets.opsToken.secretArn });
    new CfnOutput(this, 'DatabaseSecretArn', { value: data.databaseSecret.secretArn });
    new CfnOutput(this, 'DatabaseClusterId', { value: data.cluster.clusterIdentifier });
    new CfnOutput(this, 'AccessLogBucket', { value: accessLogs.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'ClusterName', { value: services.cluster.clusterName });
    // For `aws ecs update-service --force-new-deployment` after a secret changes (docs/DEPLOY.md).
    new CfnOutput(this, 'ServiceNames', {
      value: [services.gateway, services.chat, services.writer].map((s) => s.serviceName).join(' '),
    });
    new CfnOutput(this, 'WritesQueueUrl', { value: queues.writes.queueUrl });
  }
}
