import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { writesMaxReceiveCount } from '../lib/queues';
import { refOf, useStack } from './synth';

const stack = useStack();

/** Logical ids of the subnets CDK tagged with the given type. */
function subnetsOfType(type: 'Public' | 'Private' | 'Isolated'): string[] {
  return Object.entries(stack().resources('AWS::EC2::Subnet'))
    .filter(([, subnet]) =>
      (subnet.Properties.Tags as { Key: string; Value: string }[]).some(
        (tag) => tag.Key === 'aws-cdk:subnet-type' && tag.Value === type,
      ),
    )
    .map(([id]) => id);
}

/** Logical ids of the security groups the ECS services run in. */
function serviceSecurityGroups(): string[] {
  return Object.values(stack().resources('AWS::ECS::Service')).flatMap((svc) => {
    const network = svc.Properties.NetworkConfiguration as {
      AwsvpcConfiguration: { SecurityGroups: unknown[] };
    };
    return network.AwsvpcConfiguration.SecurityGroups.map((sg) => refOf(sg) ?? '');
  });
}

function onlyOne(type: string): [string, Record<string, unknown>] {
  const entries = Object.entries(stack().resources(type));
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (!entry) throw new Error(`no ${type}`);
  return [entry[0], entry[1].Properties];
}

describe('network', () => {
  it('spreads public, private and isolated subnets over two AZs', () => {
    expect(subnetsOfType('Public')).toHaveLength(2);
    expect(subnetsOfType('Private')).toHaveLength(2);
    expect(subnetsOfType('Isolated')).toHaveLength(2);
    const azs = Object.values(stack().resources('AWS::EC2::Subnet')).map((subnet) =>
      JSON.stringify(subnet.Properties.AvailabilityZone),
    );
    expect(new Set(azs).size).toBe(2);
  });
});

describe('Aurora MySQL', () => {
  it('has a writer and a reader in different AZs, neither public', () => {
    const instances = Object.values(stack().resources('AWS::RDS::DBInstance')).map((i) => i.Properties);
    expect(instances).toHaveLength(2);
    const [writer, reader] = instances;
    expect(writer?.AvailabilityZone).toBeDefined();
    expect(JSON.stringify(writer?.AvailabilityZone)).not.toBe(JSON.stringify(reader?.AvailabilityZone));
    for (const instance of instances) expect(instance.PubliclyAccessible).toBe(false);
  });

  it('is encrypted, keeps credentials in Secrets Manager and lives in the isolated subnets', () => {
    const [, cluster] = onlyOne('AWS::RDS::DBCluster');
    expect(cluster.Engine).toBe('aurora-mysql');
    expect(cluster.StorageEncrypted).toBe(true);
    expect(JSON.stringify(cluster.MasterUserPassword)).toContain('{{resolve:secretsmanager:');
    const [, subnetGroup] = onlyOne('AWS::RDS::DBSubnetGroup');
    const subnets = (subnetGroup.SubnetIds as unknown[]).map(refOf);
    expect(subnets.sort()).toEqual(subnetsOfType('Isolated').sort());
  });

  it('hands the services a DATABASE_URL secret resolved at deploy, not a password in the template', () => {
    stack().template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: {
        'Fn::Join': [
          '',
          Match.arrayWith([Match.stringLikeRegexp('^mysql://aira:\\{\\{resolve:secretsmanager:$')]),
        ],
      },
    });
  });
});

describe('ElastiCache Redis', () => {
  it('is Multi-AZ with a replica and automatic failover', () => {
    const [, group] = onlyOne('AWS::ElastiCache::ReplicationGroup');
    expect(group.NumCacheClusters).toBe(2);
    expect(group.MultiAZEnabled).toBe(true);
    expect(group.AutomaticFailoverEnabled).toBe(true);
  });

  it('encrypts at rest and in transit', () => {
    const [, group] = onlyOne('AWS::ElastiCache::ReplicationGroup');
    expect(group.AtRestEncryptionEnabled).toBe(true);
    expect(group.TransitEncryptionEnabled).toBe(true);
    const redisUrl = Object.values(stack().resources('AWS::ECS::TaskDefinition'))
      .flatMap(
        (t) => t.Properties.ContainerDefinitions as { Environment?: { Name: string; Value: unknown }[] }[],
      )
      .flatMap((c) => c.Environment ?? [])
      .find((e) => e.Name === 'REDIS_URL');
    expect(JSON.stringify(redisUrl?.Value)).toContain('rediss://');
  });

  it('never evicts keys (BullMQ)', () => {
    const [parametersId, parameters] = onlyOne('AWS::ElastiCache::ParameterGroup');
    expect(parameters.Properties).toEqual({ 'maxmemory-policy': 'noeviction' });
    const [, group] = onlyOne('AWS::ElastiCache::ReplicationGroup');
    expect(refOf(group.CacheParameterGroupName)).toBe(parametersId);
  });

  it('lives in the isolated subnets', () => {
    const [, subnetGroup] = onlyOne('AWS::ElastiCache::SubnetGroup');
    expect((subnetGroup.SubnetIds as unknown[]).map(refOf).sort()).toEqual(subnetsOfType('Isolated').sort());
  });
});

describe('data security groups', () => {
  const dataGroups = () => {
    const [, cluster] = onlyOne('AWS::RDS::DBCluster');
    const [, cache] = onlyOne('AWS::ElastiCache::ReplicationGroup');
    return {
      database: refOf((cluster.VpcSecurityGroupIds as unknown[])[0]) ?? '',
      cache: refOf((cache.SecurityGroupIds as unknown[])[0]) ?? '',
    };
  };

  it('admit traffic only from the services’ security groups, on the service port', () => {
    const services = serviceSecurityGroups();
    for (const [name, group] of Object.entries(dataGroups())) {
      const sg = stack().resources('AWS::EC2::SecurityGroup')[group]?.Properties;
      expect(sg?.SecurityGroupIngress, `${name} has inline ingress`).toBeUndefined();
      const rules = Object.values(stack().resources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((r) => refOf(r.GroupId) === group);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.CidrIp).toBeUndefined();
        expect(rule.CidrIpv6).toBeUndefined();
        expect(services).toContain(refOf(rule.SourceSecurityGroupId));
        expect(rule.FromPort).toBe(name === 'database' ? 3306 : 6379);
      }
    }
  });

  it('keep the queue-metrics publisher out of the database', () => {
    const publisherGroup = stack().template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: 'Aira QueueMetrics tasks' },
    });
    const [publisherId] = Object.keys(publisherGroup);
    const dbRules = Object.values(stack().resources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => r.Properties)
      .filter((r) => refOf(r.GroupId) === dataGroups().database);
    expect(dbRules.map((r) => refOf(r.SourceSecurityGroupId))).not.toContain(publisherId);
  });
});

describe('SQS writes queue', () => {
  it('is FIFO and sends a message to the FIFO DLQ after 5 receives', () => {
    const queues = stack().resources('AWS::SQS::Queue');
    const [writesId, writes] =
      Object.entries(queues).find(([, q]) => q.Properties.QueueName === 'aira-writes.fifo') ?? [];
    const [dlqId, dlq] =
      Object.entries(queues).find(([, q]) => q.Properties.QueueName === 'aira-writes-dlq.fifo') ?? [];
    expect(writesId && dlqId).toBeTruthy();
    expect(writes?.Properties.FifoQueue).toBe(true);
    expect(dlq?.Properties.FifoQueue).toBe(true);
    const redrive = writes?.Properties.RedrivePolicy as {
      maxReceiveCount: number;
      deadLetterTargetArn: unknown;
    };
    expect(redrive.maxReceiveCount).toBe(5);
    expect(writesMaxReceiveCount).toBe(5);
    expect(refOf(redrive.deadLetterTargetArn)).toBe(dlqId);
  });

  it('encrypts both queues at rest', () => {
    for (const queue of Object.values(stack().resources('AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });
});

describe('web bucket', () => {
  it('is private and encrypted', () => {
    const [, bucket] = onlyOne('AWS::S3::Bucket');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });
});
