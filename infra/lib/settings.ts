import type { Node } from 'constructs';

/**
 * Deploy-time choices, read from CDK context (`cdk.json` or `-c key=value`). Everything has a
 * default so `cdk synth` works from a fresh clone; docs/DEPLOY.md lists them.
 */
export interface AiraSettings {
  /** Prebuilt image URI for every service; unset = build the repository's Dockerfile at deploy. */
  readonly image?: string;
  /** NAT gateways: 2 keeps egress up when one AZ fails, 1 saves about $33 a month. */
  readonly natGateways: number;
  /** ACM certificate (in the stack's region) for an HTTPS-only listener on the load balancer. */
  readonly certificateArn?: string;
  /** DNS name on that certificate (pointing at the load balancer); CloudFront then uses HTTPS to it. */
  readonly apiDomainName?: string;
  /**
   * The region's CloudFront origin-facing managed prefix list, the only source the load balancer
   * admits; unset = looked up by name at deploy.
   */
  readonly cloudFrontPrefixListId?: string;
  /** E-mail subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Existing Secrets Manager secret holding the OpenAI key; unset = create an empty one. */
  readonly openAiSecretArn?: string;
  readonly openAiModel: string;
  readonly openAiBaseUrl: string;
  /**
   * The OpenAI organisation's requests per minute for the model (its rate-limit tier); unset = no
   * cap from it. The chat service never runs more tasks than this budget keeps busy.
   */
  readonly providerRequestsPerMinute?: number;
  /** Seconds one reply's streamed call takes, on average: what one request of the budget occupies. */
  readonly providerCallSeconds: number;
  /** OTLP/HTTP collector endpoint for traces; unset = tracing off. */
  readonly otlpEndpoint?: string;
  /** Aurora instance class for writer and reader, without the `db.` prefix. */
  readonly dbInstanceClass: string;
  /** ElastiCache node type for primary and replica. */
  readonly cacheNodeType: string;
  readonly gatewayMinTasks: number;
  readonly gatewayMaxTasks: number;
  /**
   * Open connections per gateway task the gateway fleet is sized for, as the load balancer counts
   * them (client side and target side: an SSE stream counts twice). 4000 is about 2000 streams, a
   * fifth of what one gateway process held in the sse-streams benchmark, for a 0.375 vCPU task.
   */
  readonly gatewayConnectionsPerTask: number;
  /** Average gateway CPU, in percent, above which tasks are added whatever the connection count. */
  readonly gatewayCpuPercent: number;
  /** Days the access logs (load balancer, CloudFront, web bucket) and VPC flow logs are kept. */
  readonly logRetentionDays: number;
  /** ALB idle timeout; SSE streams send a heartbeat every 15 s, so anything above that keeps them. */
  readonly albIdleTimeoutSeconds: number;
}

export const defaultSettings: AiraSettings = {
  natGateways: 2,
  openAiModel: 'gpt-4o-mini',
  openAiBaseUrl: 'https://api.openai.com/v1',
  // A reply of a few hundred tokens at gpt-4o-mini's pace: a first token in about 0.5 s, then ~60 a second.
  providerCallSeconds: 8,
  dbInstanceClass: 't4g.medium',
  cacheNodeType: 'cache.t4g.small',
  gatewayMinTasks: 2,
  gatewayMaxTasks: 10,
  gatewayConnectionsPerTask: 4000,
  gatewayCpuPercent: 70,
  albIdleTimeoutSeconds: 300,
  logRetentionDays: 90,
};

const stringKeys = [
  'image',
  'certificateArn',
  'apiDomainName',
  'cloudFrontPrefixListId',
  'alarmEmail',
  'openAiSecretArn',
  'openAiModel',
  'openAiBaseUrl',
  'otlpEndpoint',
  'dbInstanceClass',
  'cacheNodeType',
] as const;

const numberKeys = {
  natGateways: [1, 3],
  gatewayMinTasks: [1, 100],
  gatewayMaxTasks: [1, 100],
  gatewayConnectionsPerTask: [10, 1_000_000],
  gatewayCpuPercent: [10, 95],
  albIdleTimeoutSeconds: [60, 4000],
  logRetentionDays: [1, 3650],
  providerRequestsPerMinute: [1, 100_000_000],
  providerCallSeconds: [1, 600],
} as const;

/** Reads the settings from context (prefix `aira:`), with a clear error naming a bad key. */
export function readSettings(node: Node): AiraSettings {
  const settings: Record<string, unknown> = { ...defaultSettings };
  for (const key of stringKeys) {
    const value: unknown = node.tryGetContext(`aira:${key}`);
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new Error(`context aira:${key} must be a string`);
    settings[key] = value;
  }
  for (const [key, [min, max]] of Object.entries(numberKeys)) {
    const value: unknown = node.tryGetContext(`aira:${key}`);
    if (value === undefined || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(
        `context aira:${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    settings[key] = n;
  }
  const result = settings as unknown as AiraSettings;
  if (result.gatewayMinTasks > result.gatewayMaxTasks) {
    throw new Error('context aira:gatewayMinTasks must not exceed aira:gatewayMaxTasks');
  }
  // CloudFront checks the load balancer's certificate against the name, so one needs the other.
  if (Boolean(result.apiDomainName) !== Boolean(result.certificateArn)) {
    throw new Error(
      'context aira:apiDomainName and aira:certificateArn go together (a certificate covering that name)',
    );
  }
  return Object.freeze(result);
}
