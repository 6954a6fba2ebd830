import {
  Aws,
  CfnCondition,
  CfnMapping,
  CfnResource,
  Duration,
  Fn,
  type ICfnConditionExpression,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

export interface AccessLogsProps {
  /** Days a log object is kept. */
  readonly retentionDays: number;
}

/** Key prefixes of the log sources, one folder each. */
export const accessLogPrefixes = {
  loadBalancer: 'alb',
  cloudFront: 'cloudfront/',
  siteBucket: 'site-bucket/',
  vpcFlowLogs: 'vpc-flow-logs',
} as const;

/**
 * One private bucket for every access log: the load balancer's, CloudFront's, the web bucket's
 * server access logs and the VPC flow logs. Encrypted with S3-managed keys (the load balancer can
 * write to no other kind), TLS only, and emptied of old logs by a lifecycle rule.
 */
export class AccessLogs extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs arrive through an ACL grant to its log-delivery account.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.retentionDays) }],
      // Logs outlive the stack: they are what an investigation after a teardown reads.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is where the access logs go; logging its own access into itself would loop.',
    });
  }

  /**
   * Has a load balancer write its access logs here. CDK's own `logAccessLogs` needs the region at
   * synth, which this environment-agnostic stack does not have: the writer is Elastic Load
   * Balancing's account in the regions that have one, and its log-delivery service elsewhere, so
   * both are granted, with the account picked at deploy (this account stands in where there is none).
   */
  receiveLoadBalancerLogs(alb: elbv2.ApplicationLoadBalancer): void {
    const prefix = accessLogPrefixes.loadBalancer;
    alb.setAttribute('access_logs.s3.enabled', 'true');
    alb.setAttribute('access_logs.s3.bucket', this.bucket.bucketName);
    alb.setAttribute('access_logs.s3.prefix', prefix);
    const accounts = RegionInfo.regionMap(FactName.ELBV2_ACCOUNT);
    const mapping = new CfnMapping(this, 'ElbLogAccounts', {
      mapping: Object.fromEntries(Object.entries(accounts).map(([region, account]) => [region, { account }])),
    });
    const hasElbAccount = new CfnCondition(this, 'RegionHasElbLogAccount', {
      expression: anyOf(Object.keys(accounts).map((region) => Fn.conditionEquals(Aws.REGION, region))),
    });
    const writer = Fn.conditionIf(
      hasElbAccount.logicalId,
      `arn:${Aws.PARTITION}:iam::${mapping.findInMap(Aws.REGION, 'account')}:root`,
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`,
    ).toString();
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        principals: [
          new iam.ArnPrincipal(writer),
          new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com'),
        ],
        resources: [this.bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`)],
      }),
    );
    // The load balancer checks that it may write when it is created.
    const policy = this.bucket.policy?.node.defaultChild;
    const lb = alb.node.defaultChild;
    if (CfnResource.isCfnResource(policy) && CfnResource.isCfnResource(lb)) lb.addResourceDependency(policy);
  }
}

/** Fn::Or takes 2 to 10 conditions: longer lists nest. */
function anyOf(conditions: ICfnConditionExpression[]): ICfnConditionExpression {
  if (conditions.length === 1 && conditions[0]) return conditions[0];
  if (conditions.length <= 10) return Fn.conditionOr(...conditions);
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < conditions.length; i += 10) groups.push(anyOf(conditions.slice(i, i + 10)));
  return anyOf(groups);
}
