import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSettings, readSettings } from '../lib/settings';
import { albIngress, synth } from './synth';

// Apps only read context here; one output directory for all of them, removed afterwards.
const outdir = mkdtempSync(join(tmpdir(), 'aira-cdk-settings-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const read = (context: Record<string, unknown>) => readSettings(new App({ context, outdir }).node);
const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';

describe('readSettings', () => {
  it('defaults everything, so synth needs no parameters', () => {
    expect(read({})).toEqual(defaultSettings);
  });

  it('converts numbers given on the command line as strings', () => {
    expect(read({ 'aira:natGateways': '1', 'aira:gatewayMaxTasks': '20' })).toMatchObject({
      natGateways: 1,
      gatewayMaxTasks: 20,
    });
  });

  it('names the bad key', () => {
    expect(() => read({ 'aira:natGateways': 'two' })).toThrow(/aira:natGateways/);
    expect(() => read({ 'aira:albIdleTimeoutSeconds': 10 })).toThrow(/aira:albIdleTimeoutSeconds/);
    expect(() => read({ 'aira:gatewayMinTasks': 5, 'aira:gatewayMaxTasks': 3 })).toThrow(/gatewayMinTasks/);
    expect(() => read({ 'aira:apiDomainName': 'api.example.com' })).toThrow(/certificateArn/);
    expect(() => read({ 'aira:certificateArn': certificateArn })).toThrow(/apiDomainName/);
  });
});

describe('HTTPS and origin settings', () => {
  it('has CloudFront use HTTPS (TLS 1.2+) to the certificate’s name, with HTTPS as the only listener', () => {
    const s = synth({ 'aira:certificateArn': certificateArn, 'aira:apiDomainName': 'api.example.com' });
    try {
      const listeners = Object.values(s.resources('AWS::ElasticLoadBalancingV2::Listener')).map(
        (l) => l.Properties,
      );
      expect(listeners).toHaveLength(1);
      expect(listeners[0]).toMatchObject({
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: certificateArn }],
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      });
      const [origin] = Object.values(s.resources('AWS::CloudFront::VpcOrigin'));
      expect(origin?.Properties.VpcOriginEndpointConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        HTTPSPort: 443,
        OriginSSLProtocols: ['TLSv1.2'],
      });
      const [dist] = Object.values(s.resources('AWS::CloudFront::Distribution'));
      expect(JSON.stringify(dist?.Properties)).toContain('"DomainName":"api.example.com"');
      // One port open to CloudFront, the HTTPS one.
      expect(albIngress(s).map((r) => [r.FromPort, r.ToPort])).toEqual([[443, 443]]);
    } finally {
      s.dispose();
    }
  });

  it('uses the prefix list id given instead of looking it up', () => {
    const s = synth({ 'aira:cloudFrontPrefixListId': 'pl-3b927c52' });
    try {
      expect(albIngress(s)).toEqual([
        expect.objectContaining({ SourcePrefixListId: 'pl-3b927c52', FromPort: 80, ToPort: 80 }),
      ]);
      expect(Object.keys(s.resources('Custom::AWS'))).toHaveLength(0);
    } finally {
      s.dispose();
    }
  });

  it('uses an existing OpenAI secret instead of creating a placeholder', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:openai-AbCdEf';
    const s = synth({ 'aira:openAiSecretArn': arn });
    try {
      const placeholders = Object.values(s.resources('AWS::SecretsManager::Secret')).filter(
        (secret) => secret.Properties.SecretString === 'replace-me',
      );
      expect(placeholders).toHaveLength(0);
      expect(JSON.stringify(s.resources('AWS::ECS::TaskDefinition'))).toContain(arn);
    } finally {
      s.dispose();
    }
  });
});
