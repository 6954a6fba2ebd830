import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { gatewayPublicPaths } from './load-balancer';
import { originVerifyHeaderName } from './secrets';

export interface WebProps {
  /** Host name of the API origin (the load balancer or a DNS name on its certificate). */
  readonly apiOriginDomainName: string;
  readonly apiOriginHttps: boolean;
  readonly originVerify: secretsmanager.ISecret;
  /** The built web bundle (`npm run build:web` → web/dist); uploaded when it exists. */
  readonly webDistDir: string;
}

// Paths without a file extension are app routes: the browser app handles them from index.html.
const spaRewrite = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The browser app on a private S3 bucket (read only by CloudFront through origin access
 * control), with the gateway's public paths routed to the load balancer through the same
 * distribution, so the app and the API share one origin and the session cookie just works.
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
      // The bucket only holds build output, which a deploy recreates.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const api = new origins.HttpOrigin(props.apiOriginDomainName, {
      protocolPolicy: props.apiOriginHttps
        ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
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
      // Compression would buffer the token stream.
      compress: false,
    };

    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Aira web app and API',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
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

    if (existsSync(join(props.webDistDir, 'index.html'))) {
      new s3deploy.BucketDeployment(this, 'Deploy', {
        sources: [s3deploy.Source.asset(props.webDistDir)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
    } else {
      Annotations.of(this).addWarningV2(
        'aira:webBundleMissing',
        `${props.webDistDir} has no index.html: run \`npm run build:web\` before deploying, or upload the bundle to the site bucket yourself`,
      );
    }
  }
}
