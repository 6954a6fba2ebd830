import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../shared/jobs/catalog';
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

describe('access logs', () => {
  const logBucket = () => {
    const entry = Object.entries(stack().resources('AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('AccessLogsBucket'),
    );
    if (!entry) throw new Error('no access-log bucket');
    return {
      id: entry[0],
      ...(entry[1] as { Properties: Record<string, unknown>; DeletionPolicy?: string }),
    };
  };

  it('go to one private, encrypted, TLS-only bucket that forgets them after the retention and outlives the stack', () => {
    const bucket = logBucket();
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true });
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }],
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const policy = Object.values(stack().resources('AWS::S3::BucketPolicy')).find(
      (p) => refOf(p.Properties.Bucket) === bucket.id,
    );
    expect(JSON.stringify(policy?.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('record every VPC flow, accepted or rejected', () => {
    const [, flowLog] = onlyOne('AWS::EC2::FlowLog');
    expect(flowLog.TrafficType).toBe('ALL');
    expect(flowLog.LogDestinationType).toBe('s3');
    expect(JSON.stringify(flowLog.LogDestination)).toContain(logBucket().id);
  });

  it('take the load balancer’s logs in any region: its ELB account where there is one, its log service elsewhere', () => {
    const policy = Object.values(stack().resources('AWS::S3::BucketPolicy')).find(
      (p) => refOf(p.Properties.Bucket) === logBucket().id,
    );
    const statement = (
      policy!.Properties.PolicyDocument as {
        Statement: { Principal?: { AWS?: unknown; Service?: unknown } }[];
      }
    ).Statement.find((s) =>
      JSON.stringify(s.Principal?.Service ?? '').includes('logdelivery.elasticloadbalancing'),
    );
    expect(JSON.stringify(statement?.Principal?.AWS)).toMatch(
      /"Fn::If":\["AccessLogsRegionHasElbLogAccount\w*"/,
    );
    expect(JSON.stringify(statement)).toContain('/alb/AWSLogs/');
    const mapping = Object.values(
      stack().template.toJSON().Mappings as Record<string, Record<string, unknown>>,
    ).find((m) => 'us-east-1' in m);
    expect(mapping?.['us-east-1']).toEqual({ account: '127311923021' });
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

  it('keeps no copy of the password: the services read the fields of Aurora’s own secret', () => {
    const [clusterId, cluster] = onlyOne('AWS::RDS::DBCluster');
    const masterSecret = JSON.stringify(cluster.MasterUserPassword).match(/"Ref":"(\w+)"/)?.[1];
    expect(masterSecret).toBeDefined();
    // Every secret the template writes a value into is generated, none copies another's value.
    for (const secret of Object.values(stack().resources('AWS::SecretsManager::Secret'))) {
      expect(JSON.stringify(secret.Properties.SecretString ?? '')).not.toContain('resolve:secretsmanager');
    }
    // The secret's attachment adds host and port; the tasks take those fields from it.
    const [attachmentId] =
      Object.entries(stack().resources('AWS::SecretsManager::SecretTargetAttachment')).find(
        ([, a]) =>
          refOf(a.Properties.TargetId) === clusterId && refOf(a.Properties.SecretId) === masterSecret,
      ) ?? [];
    const dbSecrets = Object.values(stack().resources('AWS::ECS::TaskDefinition'))
      .flatMap(
        (t) => t.Properties.ContainerDefinitions as { Secrets?: { Name: string; ValueFrom: unknown }[] }[],
      )
      .flatMap((c) => c.Secrets ?? [])
      .filter((s) => s.Name.startsWith('DB_'));
    expect(new Set(dbSecrets.map((s) => s.Name))).toEqual(
      new Set(['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']),
    );
    for (const secret of dbSecrets) {
      expect(JSON.stringify(secret.ValueFrom)).toContain(`{"Ref":"${attachmentId}"}`);
    }
  });

  it('refuses deletion until protection is turned off', () => {
    expect(onlyOne('AWS::RDS::DBCluster')[1].DeletionProtection).toBe(true);
  });

  it('has a rotation function an operator runs, and no timer that would cut running tasks off', () => {
    const [, schedule] = onlyOne('AWS::SecretsManager::RotationSchedule');
    expect(schedule.RotationLambdaARN).toBeDefined();
    expect(schedule.RotationRules).toBeUndefined();
    expect(schedule.RotateImmediatelyOnUpdate).toBe(false);
  });
});

describe('ElastiCache Redis', () => {
  it('is Multi-AZ with a replica and automatic failover', () => {
    const [, group] = onlyOne('AWS::ElastiCache::ReplicationGroup');
    expect(group.NumCacheClusters).toBe(2);
    expect(group.MultiAZEnabled).toBe(true);
    expect(group.AutomaticFailoverEnabled).toBe(true);
  });

  it('needs the AUTH token from Secrets Manager, which only the services get', () => {
    const [, group] = onlyOne('AWS::ElastiCache::ReplicationGroup');
    const token = JSON.stringify(group.AuthToken).match(/\{"Ref":"(\w+)"\}/)?.[1];
    expect(JSON.stringify(group.AuthToken)).toContain('{{resolve:secretsmanager:');
    expect(
      stack().resources('AWS::SecretsManager::Secret')[token ?? '']?.Properties.GenerateSecretString,
    ).toMatchObject({
      ExcludePunctuation: true,
      PasswordLength: 64,
    });
    const passwords = Object.values(stack().resources('AWS::ECS::TaskDefinition'))
      .flatMap(
        (t) => t.Properties.ContainerDefinitions as { Secrets?: { Name: string; ValueFrom: unknown }[] }[],
      )
      .flatMap((c) => c.Secrets ?? [])
      .filter((s) => s.Name === 'REDIS_PASSWORD');
    // Gateway, chat, writer and the queue-metrics publisher.
    expect(passwords).toHaveLength(4);
    for (const p of passwords) expect(refOf(p.ValueFrom)).toBe(token);
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

  it('admit traffic only from the services’ security groups (and the rotation function), on the service port', () => {
    const rotation = Object.keys(
      stack().template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('RotationSingleUser') },
      }),
    );
    expect(rotation).toHaveLength(1);
    const services = [...serviceSecurityGroups(), ...rotation];
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
        // The rotation function's rule names the cluster's port by reference.
        expect(JSON.stringify(rule.FromPort)).toMatch(
          name === 'database' ? /^3306$|"Endpoint\.Port"/ : /^6379$/,
        );
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
  it('is FIFO and sends a message to the FIFO DLQ after the catalog’s receives', () => {
    const queues = stack().resources('AWS::SQS::Queue');
    const [writesId, writes] =
      Object.entries(queues).find(([, q]) => q.Properties.QueueName === catalog.writes.name) ?? [];
    const [dlqId, dlq] =
      Object.entries(queues).find(([, q]) => q.Properties.QueueName === catalog.writes.deadLetter.name) ?? [];
    expect(writesId && dlqId).toBeTruthy();
    expect(writes?.Properties.FifoQueue).toBe(true);
    expect(dlq?.Properties.FifoQueue).toBe(true);
    const redrive = writes?.Properties.RedrivePolicy as {
      maxReceiveCount: number;
      deadLetterTargetArn: unknown;
    };
    expect(redrive.maxReceiveCount).toBe(catalog.writes.maxReceiveCount);
    expect(writes?.Properties.VisibilityTimeout).toBe(catalog.writes.visibilityTimeoutSeconds);
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
    const [, bucket] =
      Object.entries(stack().resources('AWS::S3::Bucket')).find(([id]) => id.startsWith('WebSite')) ?? [];
    if (!bucket) throw new Error('no site bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });
});
