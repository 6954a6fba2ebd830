import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/web/csp';
import { albIngress, refOf, synth, useStack } from './synth';

const stack = useStack();

interface CacheBehavior {
  PathPattern: string;
  TargetOriginId: string;
  CachePolicyId: string;
  AllowedMethods: string[];
  Compress: boolean;
}

function distribution() {
  const [dist] = Object.values(stack().resources('AWS::CloudFront::Distribution'));
  return dist?.Properties.DistributionConfig as {
    DefaultCacheBehavior: { TargetOriginId: string; FunctionAssociations?: unknown[] };
    CacheBehaviors: CacheBehavior[];
    Origins: {
      Id: string;
      DomainName: unknown;
      S3OriginConfig?: unknown;
      OriginAccessControlId?: unknown;
      OriginCustomHeaders?: { HeaderName: string }[];
      CustomOriginConfig?: { OriginProtocolPolicy: string };
    }[];
  };
}

describe('CloudFront', () => {
  it('serves the app from the private bucket through origin access control', () => {
    const config = distribution();
    const s3 = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
    expect(s3?.S3OriginConfig).toBeDefined();
    expect(refOf(s3?.OriginAccessControlId)).toBeDefined();
    expect(config.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
  });

  it('routes only /api/* and /docs* to the load balancer, uncached and uncompressed', () => {
    const config = distribution();
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual(['/api/*', '/docs*']);
    const [albId] = Object.keys(stack().resources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    for (const behavior of config.CacheBehaviors) {
      const origin = config.Origins.find((o) => o.Id === behavior.TargetOriginId);
      expect(refOf(origin?.DomainName)).toBe(albId);
      expect(origin?.OriginCustomHeaders?.map((h) => h.HeaderName)).toEqual(['X-Aira-Origin-Verify']);
      // Managed CachingDisabled policy.
      expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(behavior.AllowedMethods).toContain('POST');
      expect(behavior.Compress).toBe(false);
    }
  });

  it('grants the bucket to this distribution only', () => {
    const policy = Object.values(stack().resources('AWS::S3::BucketPolicy')).find((p) =>
      refOf(p.Properties.Bucket)?.startsWith('WebSite'),
    );
    const json = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(json).toContain('cloudfront.amazonaws.com');
    expect(json).toContain('AWS:SourceArn');
    expect(json).not.toContain('"Principal":"*","Action":"s3:GetObject"');
  });

  it('reaches the load balancer through a VPC origin, over HTTP that never leaves AWS when there is no domain', () => {
    const [[originId, origin]] = Object.entries(stack().resources('AWS::CloudFront::VpcOrigin')) as [
      [string, { Properties: { VpcOriginEndpointConfig: Record<string, unknown> } }],
    ];
    const [albId] = Object.keys(stack().resources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(refOf(origin.Properties.VpcOriginEndpointConfig.Arn)).toBe(albId);
    expect(origin.Properties.VpcOriginEndpointConfig).toMatchObject({
      OriginProtocolPolicy: 'http-only',
      HTTPPort: 80,
    });
    const api = distribution().Origins.find((o) => refOf(o.DomainName) === albId) as
      | { VpcOriginConfig?: { VpcOriginId: unknown; OriginReadTimeout: number } }
      | undefined;
    expect(refOf(api?.VpcOriginConfig?.VpcOriginId)).toBe(originId);
    expect(api?.VpcOriginConfig?.OriginReadTimeout).toBe(60);
  });

  it('adds HSTS, nosniff, a referrer policy and frame-ancestors none to every response', () => {
    const config = distribution() as ReturnType<typeof distribution> & {
      DefaultCacheBehavior: { ResponseHeadersPolicyId: unknown };
      CacheBehaviors: { ResponseHeadersPolicyId: unknown }[];
    };
    const policies = stack().resources('AWS::CloudFront::ResponseHeadersPolicy');
    const headersOf = (ref: unknown) =>
      (
        policies[refOf(ref) ?? '']!.Properties.ResponseHeadersPolicyConfig as {
          SecurityHeadersConfig: Record<string, Record<string, unknown>>;
        }
      ).SecurityHeadersConfig;
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    for (const behavior of behaviors) {
      const headers = headersOf(behavior.ResponseHeadersPolicyId);
      expect(headers.StrictTransportSecurity).toMatchObject({
        AccessControlMaxAgeSec: 31_536_000,
        Override: true,
      });
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
      expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'strict-origin-when-cross-origin' });
      expect(headers.ContentSecurityPolicy?.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    }
    // The app from S3 gets the same policy the gateway sends when it serves the app itself.
    expect(headersOf(config.DefaultCacheBehavior.ResponseHeadersPolicyId).ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: CONTENT_SECURITY_POLICY,
      Override: true,
    });
  });

  it('logs every request to the access-log bucket', () => {
    const config = distribution() as ReturnType<typeof distribution> & {
      Logging?: { Bucket: unknown; Prefix: string };
    };
    expect(refOf(config.Logging?.Bucket)).toMatch(/^AccessLogsBucket/);
    expect(config.Logging?.Prefix).toBe('cloudfront/');
  });
});

describe('load balancer', () => {
  it('is internal, with one plain HTTP listener and no public address', () => {
    stack().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]),
    });
    const listeners = Object.values(stack().resources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((l) => [l.Properties.Protocol, l.Properties.Port])).toEqual([['HTTP', 80]]);
    const [, lb] = Object.entries(stack().resources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0] ?? [];
    for (const subnet of lb!.Properties.Subnets as unknown[]) expect(refOf(subnet)).toMatch(/appSubnet/);
  });

  it('admits CloudFront’s origin-facing prefix list, looked up at deploy, on the listener port only', () => {
    const rules = albIngress(stack());
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80 });
    expect(rules[0]?.CidrIp).toBeUndefined();
    const lookup = Object.entries(stack().resources('Custom::AWS')).find(([, r]) =>
      JSON.stringify(r.Properties).includes('com.amazonaws.global.cloudfront.origin-facing'),
    );
    expect(lookup).toBeDefined();
    expect(JSON.stringify(rules[0]?.SourcePrefixListId)).toContain(lookup?.[0]);
  });

  it('keeps SSE streams open with a long idle timeout', () => {
    stack().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '300' }]),
    });
  });

  it('health-checks the gateway on /readyz', () => {
    stack().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/readyz',
      Port: 3000,
      TargetType: 'ip',
    });
  });

  it('answers 404 by default and forwards public paths only with CloudFront’s header', () => {
    const [listener] = Object.values(stack().resources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(JSON.stringify(listener?.Properties.DefaultActions)).toContain('"StatusCode":"404"');
    const rules = Object.values(stack().resources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules).toHaveLength(1);
    const conditions = rules[0]?.Properties.Conditions as {
      Field: string;
      PathPatternConfig?: { Values: string[] };
    }[];
    expect(conditions.map((c) => c.Field).sort()).toEqual(['http-header', 'path-pattern']);
    const paths = conditions.find((c) => c.Field === 'path-pattern')?.PathPatternConfig?.Values;
    expect(paths).toEqual(['/api/*', '/docs*']);
    expect(paths?.some((p) => p.startsWith('/metrics'))).toBe(false);
  });
});

describe('web bundle upload', () => {
  const dist = mkdtempSync(join(tmpdir(), 'aira-web-dist-'));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('deploys web/dist to the bucket and invalidates the distribution when it exists', () => {
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Aira</title>');
    const withBundle = synth({}, dist);
    try {
      withBundle.template.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/*'] });
    } finally {
      withBundle.dispose();
    }
    expect(Object.keys(stack().resources('Custom::CDKBucketDeployment'))).toHaveLength(0);
  });
});
