import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogPrefixes } from './access-logs';

export interface NetworkProps {
  readonly natGateways: number;
  /** Where the VPC flow logs go (the access-log bucket). */
  readonly flowLogBucket: s3.IBucket;
}

/**
 * Two availability zones, three tiers: public (NAT only), private with egress (the
 * Fargate tasks and the internal load balancer; the tasks reach OpenAI and AWS APIs through NAT)
 * and isolated (Aurora and Redis, which have no route to or from the internet). Flow logs record
 * every connection.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    // Image layers and web assets come from S3; the gateway endpoint keeps that traffic off NAT.
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    // Accepted and rejected flows alike: a rejected one is what shows a probe or a missing rule.
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toS3(props.flowLogBucket, accessLogPrefixes.vpcFlowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}
