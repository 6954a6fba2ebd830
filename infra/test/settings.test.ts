import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSettings, readSettings } from '../lib/settings';
import { refOf, synth } from './synth';

// Apps only read context here; one output directory for all of them, removed afterwards.
const outdir = mkdtempSync(join(tmpdir(), 'aira-cdk-settings-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const read = (context: Record<string, unknown>) => readSettings(new App({ context, outdir }).node);

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
  });
});

const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';

describe('HTTPS and origin settings', () => {
  it('adds an HTTPS listener and has CloudFront use HTTPS when a certificate and its name are given', () => {
    const s = synth({ 'aira:certificateArn': certificateArn, 'aira:apiDomainName': 'api.example.com' });
    try {
      const listeners = Object.values(s.resources('AWS::ElasticLoadBalancingV2::Listener')).map(
        (l) => l.Properties,
      );
      const https = listeners.find((l) => l.Protocol === 'HTTPS');
      const http = listeners.find((l) => l.Protocol === 'HTTP');
      expect(https?.Certificates).toEqual([{ CertificateArn: certificateArn }]);
      expect(JSON.stringify(http?.DefaultActions)).toContain('"Type":"redirect"');
      const [dist] = Object.values(s.resources('AWS::CloudFront::Distribution'));
      const json = JSON.stringify(dist?.Properties);
      expect(json).toContain('"DomainName":"api.example.com"');
      expect(json).toContain('"OriginProtocolPolicy":"https-only"');
    } finally {
      s.dispose();
    }
  });

  it('opens the load balancer to CloudFront’s prefix list only, when given', () => {
    const s = synth({ 'aira:cloudFrontPrefixListId': 'pl-3b927c52' });
    try {
      const [albGroupId, albGroup] =
        Object.entries(s.resources('AWS::EC2::SecurityGroup')).find(
          ([, g]) => g.Properties.GroupDescription === 'Aira load balancer',
        ) ?? [];
      // Inline rules and separate ingress resources both count.
      const rules = [
        ...((albGroup?.Properties.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? []),
        ...Object.values(s.resources('AWS::EC2::SecurityGroupIngress'))
          .map((r) => r.Properties)
          .filter((r) => refOf(r.GroupId) === albGroupId),
      ];
      expect(rules).toEqual([expect.objectContaining({ SourcePrefixListId: 'pl-3b927c52', FromPort: 80 })]);
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
