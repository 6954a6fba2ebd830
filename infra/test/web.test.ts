import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { refOf, synth, useStack } from './synth';

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
    const [policy] = Object.values(stack().resources('AWS::S3::BucketPolicy'));
    const json = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(json).toContain('cloudfront.amazonaws.com');
    expect(json).toContain('AWS:SourceArn');
    expect(json).not.toContain('"Principal":"*","Action":"s3:GetObject"');
  });
});

describe('load balancer', () => {
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
