import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import { CONTENT_SECURITY_POLICY } from '../../shared/web/csp';
import { accessLogPrefixes } from './access-logs';
import { type ApiOrigin, gatewayPublicPaths } from './load-balancer';
import { originVerifyHeaderName } from './secrets';

export interface WebProps {
  /** The internal load balancer in front of the gateway, reached through a VPC origin. */
  readonly alb: elbv2.IApplicationLoadBalancer;
  readonly apiOrigin: ApiOrigin;
  readonly originVerify: secretsmanager.ISecret;
  /** The built web bundle (`npm run build:web` → web/dist); uploaded when it exists. */
  readonly webDistDir: string;
  /** Bucket for CloudFront's and the site bucket's access logs. */
  readonly accessLogs: s3.IBucket;
}

// Paths without a file extension are app routes: the browser app handles them from index.html.
const spaRewrite = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/** Headers every response carries, whatever the origin sent. */
const securityHeaders = (contentSecurityPolicy: string): cloudfront.ResponseSecurityHeadersBehavior => ({
  contentSecurityPolicy: { contentSecurityPolicy, override: true },
  strictTransportSecurity: {
    accessControlMaxAge: Duration.days(365),
    includeSubdomains: false,
    override: true,
  },
  contentTypeOptions: { override: true },
  frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
  referrerPolicy: {
    referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
    override: true,
  },
});

/**
 * The browser app on a private S3 bucket (read only by CloudFront through origin access
 * control), with the gateway's public paths routed to the internal load balancer through a VPC
 * origin of the same distribution, so the app and the API share one origin and the session cookie
 * just works. Every response gets HSTS, nosniff, a referrer policy and frame-ancestors 'none'.
 */
export class Web extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: accessLogPrefixes.siteBucket,
      // The bucket only holds build output, which a deploy recreates.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const { apiOrigin } = props;
    const api = origins.VpcOrigin.withApplicationLoadBalancer(props.alb, {
      protocolPolicy: apiOrigin.https
        ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      httpPort: apiOrigin.https ? undefined : apiOrigin.port,
      httpsPort: apiOrigin.https ? apiOrigin.port : undefined,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // CloudFront sends this name as the TLS server name and checks the certificate against it.
      domainName: apiOrigin.domainName,
      // CloudFront's per-read timeout; the 15 s SSE heartbeat keeps a quiet stream well inside it.
      readTimeout: Duration.seconds(60),
      keepaliveTimeout: Duration.seconds(60),
      customHeaders: { [originVerifyHeaderName]: props.originVerify.secretValue.unsafeUnwrap() },
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Nothing from the API is cached; with caching off, this policy also forwards Authorization.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
        comment: 'Aira API: security headers',
        securityHeadersBehavior: securityHeaders("frame-ancestors 'none'"),
      }),
      // Compression would buffer the token stream.
      compress: false,
    };

    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Aira web app and API',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      logBucket: props.accessLogs,
      logFilePrefix: accessLogPrefixes.cloudFront,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        // The app's own policy: the gateway sends the same one when it serves the app locally.
        responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'AppHeaders', {
          comment: 'Aira web app: its Content-Security-Policy and security headers',
          securityHeadersBehavior: securityHeaders(CONTENT_SECURITY_POLICY),
        }),
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'SpaRewrite', {
              code: cloudfront.FunctionCode.fromInline(spaRewrite),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: Object.fromEntries(gatewayPublicPaths.map((path) => [path, apiBehavior])),
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution answers on its *.cloudfront.net name, whose certificate and TLS policy CloudFront sets; viewers of the API are sent HTTPS only.',
      },
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The service is offered everywhere; there is no country to keep out.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default (about $6 a month and up): the gateway rate-limits sign-in and chat per client address; docs/DEPLOY.md says how to add a web ACL.',
      },
    );

    if (existsSync(join(props.webDistDir, 'index.html'))) {
      const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
        sources: [s3deploy.Source.asset(props.webDistDir)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
      acknowledgeBucketDeployment(deployment, this.bucket);
    } else {
      Annotations.of(this).addWarningV2(
        'aira:webBundleMissing',
        `${props.webDistDir} has no index.html: run \`npm run build:web\` before deploying, or upload the bundle to the site bucket yourself`,
      );
    }
  }
}

/**
 * The upload runs in CDK's own BucketDeployment function, whose role CDK writes: it copies the
 * bundle from the CDK asset bucket into the site bucket and invalidates the distribution.
 */
function acknowledgeBucketDeployment(deployment: s3deploy.BucketDeployment, site: s3.Bucket): void {
  const stack = Stack.of(deployment);
  const handler = (deployment.handlerRole as unknown as IConstruct).node.scope;
  if (!handler) throw new Error(`no handler for ${deployment.node.path}`);
  const siteArn = `<${stack.getLogicalId(site.node.defaultChild as s3.CfnBucket)}.Arn>/*`;
  const reason = (what: string) => `CDK's BucketDeployment function: ${what}.`;
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions-L1',
      reason: reason('CDK pins the Lambda runtime of its own function and moves it with aws-cdk-lib'),
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: reason('the AWS-managed policy only lets it write its own logs'),
    },
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: reason('CDK grants read on the asset bucket and read-write on the site bucket'),
    })),
    {
      id: `AwsSolutions-IAM5[Resource::${siteArn}]`,
      reason: reason('it replaces every object of the site bucket'),
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      reason: reason('it reads the uploaded bundle from the CDK asset bucket'),
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: reason('cloudfront:CreateInvalidation and GetInvalidation have no resource-level permissions'),
    },
  );
}
