import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { originVerifyHeaderName } from './secrets';
import { gatewayPort } from './services';
import type { AiraSettings } from './settings';

export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly settings: AiraSettings;
  readonly gateway: ecs.FargateService;
  readonly originVerify: secretsmanager.ISecret;
}

/** Paths CloudFront sends to the gateway; everything else (e.g. /metrics) is not public. */
export const gatewayPublicPaths = ['/api/*', '/docs*'] as const;

/**
 * The public load balancer in front of the gateway. It forwards only the public paths, and only
 * requests carrying CloudFront's origin-verify header; anything else gets a 404. The gateway
 * service scales on requests per target.
 */
export class LoadBalancer extends Construct {
  readonly alb: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Host name CloudFront uses for the API origin. */
  readonly originDomainName: string;
  /** True when CloudFront reaches the load balancer over HTTPS (a certificate and its DNS name). */
  readonly originHttps: boolean;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { vpc, settings, gateway } = props;

    const securityGroup = new ec2.SecurityGroup(this, 'Sg', {
      vpc,
      description: 'Aira load balancer',
      allowAllOutbound: false,
    });
    const peer = settings.cloudFrontPrefixListId
      ? ec2.Peer.prefixList(settings.cloudFrontPrefixListId)
      : ec2.Peer.anyIpv4();
    const ports = settings.certificateArn ? [80, 443] : [80];
    for (const port of ports) securityGroup.addIngressRule(peer, ec2.Port.tcp(port), `HTTP(S) ${port}`);

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      securityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      // An SSE stream sends at least a heartbeat every 15 s; the timeout only has to outlast that
      // with room for a stalled client, and 300 s still frees dead connections within minutes.
      idleTimeout: Duration.seconds(settings.albIdleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });

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
    const routeToGateway = (listener: elbv2.ApplicationListener): void => {
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
    };

    this.originHttps = Boolean(settings.apiDomainName && settings.certificateArn);
    if (settings.certificateArn) {
      const https = this.alb.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(settings.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultAction: notFound,
        open: false,
      });
      routeToGateway(https);
    }
    const http = this.alb.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: this.originHttps
        ? elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true })
        : notFound,
      open: false,
    });
    if (!this.originHttps) routeToGateway(http);
    this.originDomainName =
      this.originHttps && settings.apiDomainName ? settings.apiDomainName : this.alb.loadBalancerDnsName;

    // The gateway is thin (validate, enqueue, relay), so request rate is what loads it.
    gateway
      .autoScaleTaskCount({ minCapacity: settings.gatewayMinTasks, maxCapacity: settings.gatewayMaxTasks })
      .scaleOnRequestCount('RequestsPerTarget', {
        requestsPerTarget: settings.gatewayRequestsPerTarget,
        targetGroup: this.targetGroup,
        scaleInCooldown: Duration.minutes(5),
        scaleOutCooldown: Duration.minutes(1),
      });
  }
}
