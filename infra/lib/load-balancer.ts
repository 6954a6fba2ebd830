import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { AccessLogs } from './access-logs';
import { CloudFrontPrefixList } from './cloudfront-prefix-list';
import { originVerifyHeaderName } from './secrets';
import { gatewayPort } from './services';
import type { AiraSettings } from './settings';

export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly settings: AiraSettings;
  readonly gateway: ecs.FargateService;
  readonly originVerify: secretsmanager.ISecret;
  readonly accessLogs: AccessLogs;
}

/** How CloudFront reaches the load balancer. */
export interface ApiOrigin {
  /** HTTPS (TLS 1.2+) to the certificate's name, or plain HTTP that never leaves AWS's network. */
  readonly https: boolean;
  readonly port: number;
  /** The name CloudFront checks the load balancer's certificate against (HTTPS only). */
  readonly domainName?: string;
}

/** Paths CloudFront sends to the gateway; everything else (e.g. /metrics) is not public. */
export const gatewayPublicPaths = ['/api/*', '/docs*'] as const;

/**
 * An internal load balancer in front of the gateway: no public address, reachable only from
 * CloudFront through a VPC origin. It has one listener (HTTPS when a certificate and its name are
 * given, else HTTP), forwards only the public paths and only with CloudFront's origin-verify
 * header; anything else gets a 404.
 */
export class LoadBalancer extends Construct {
  readonly alb: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly origin: ApiOrigin;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { vpc, settings, gateway } = props;
    // settings.ts accepts the certificate and its name only together.
    this.origin =
      settings.certificateArn && settings.apiDomainName
        ? { https: true, port: 443, domainName: settings.apiDomainName }
        : { https: false, port: 80 };

    const securityGroup = new ec2.SecurityGroup(this, 'Sg', {
      vpc,
      description: 'Aira load balancer: CloudFront only',
      allowAllOutbound: false,
    });
    // One rule, on the one listener port: a managed prefix list counts as its maximum size against
    // the group's rule quota (60 by default), so the same list on two ports would not fit.
    const prefixListId =
      settings.cloudFrontPrefixListId ?? new CloudFrontPrefixList(this, 'CloudFront').prefixListId;
    securityGroup.addIngressRule(
      ec2.Peer.prefixList(prefixListId),
      ec2.Port.tcp(this.origin.port),
      `CloudFront origin-facing addresses, port ${this.origin.port}`,
    );

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: false,
      securityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      // An SSE stream sends at least a heartbeat every 15 s; the timeout only has to outlast that
      // with room for a stalled client, and 300 s still frees dead connections within minutes.
      idleTimeout: Duration.seconds(settings.albIdleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });
    props.accessLogs.receiveLoadBalancerLogs(this.alb);

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Gateway', {
      vpc,
      port: gatewayPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [gateway.loadBalancerTarget({ containerName: 'gateway', containerPort: gatewayPort })],
      healthCheck: {
        path: '/readyz',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        healthyHttpCodes: '200',
      },
      // Open streams are not waited for: clients resume on another task with Last-Event-ID.
      deregistrationDelay: Duration.seconds(30),
    });

    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'application/json',
      messageBody: '{"error":{"code":"not_found","message":"Not found"}}',
    });
    const listener = settings.certificateArn
      ? this.alb.addListener('Https', {
          port: this.origin.port,
          protocol: elbv2.ApplicationProtocol.HTTPS,
          certificates: [elbv2.ListenerCertificate.fromArn(settings.certificateArn)],
          // TLS 1.2 and 1.3 only.
          sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          defaultAction: notFound,
          open: false,
        })
      : this.alb.addListener('Http', {
          port: this.origin.port,
          protocol: elbv2.ApplicationProtocol.HTTP,
          defaultAction: notFound,
          open: false,
        });
    listener.addAction('Gateway', {
      priority: 10,
      conditions: [
        elbv2.ListenerCondition.pathPatterns([...gatewayPublicPaths]),
        elbv2.ListenerCondition.httpHeader(originVerifyHeaderName, [
          props.originVerify.secretValue.unsafeUnwrap(),
        ]),
      ],
      action: elbv2.ListenerAction.forward([this.targetGroup]),
    });
  }
}
