import { Duration, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface DataProps {
  readonly vpc: ec2.IVpc;
  /** Aurora instance class without the `db.` prefix, e.g. `t4g.medium`. */
  readonly dbInstanceClass: string;
  /** ElastiCache node type, e.g. `cache.t4g.small`. */
  readonly cacheNodeType: string;
}

const databaseName = 'aira';
const databaseUser = 'aira';
const redisPort = 6379;

/**
 * Aurora MySQL (writer + reader in another AZ) and ElastiCache Redis (primary + replica with
 * automatic failover), both encrypted, both in the isolated subnets, reachable only from the
 * security groups the services grant themselves with `allowDatabaseFrom` / `allowCacheFrom`.
 */
export class Data extends Construct {
  readonly cluster: rds.DatabaseCluster;
  /** DATABASE_URL (`mysql://…`) for the services, assembled from the generated credentials. */
  readonly databaseUrl: secretsmanager.Secret;
  readonly cache: elasticache.CfnReplicationGroup;
  /** REDIS_URL for the services (TLS). */
  readonly redisUrl: string;
  /** Member cluster ids of the replication group, for per-node metrics. */
  readonly cacheNodeIds: readonly string[];
  private readonly dbSecurityGroup: ec2.SecurityGroup;
  private readonly cacheSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const { vpc } = props;
    const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const [azA, azB] = vpc.availabilityZones;

    this.dbSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSg', {
      vpc,
      description: 'Aurora: MySQL from the Aira services only',
      allowAllOutbound: false,
    });
    this.cluster = new rds.DatabaseCluster(this, 'Aurora', {
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_4 }),
      // The password goes into a URL; leaving out URL-special characters keeps it valid unescaped.
      credentials: rds.Credentials.fromGeneratedSecret(databaseUser, {
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\^=,',
      }),
      defaultDatabaseName: databaseName,
      writer: rds.ClusterInstance.provisioned('Writer', {
        instanceType: new ec2.InstanceType(props.dbInstanceClass),
        publiclyAccessible: false,
        availabilityZone: azA,
      }),
      readers: [
        rds.ClusterInstance.provisioned('Reader', {
          instanceType: new ec2.InstanceType(props.dbInstanceClass),
          publiclyAccessible: false,
          availabilityZone: azB,
          // Tier 1 makes it the failover target, so it is sized like the writer.
          promotionTier: 1,
        }),
      ],
      vpc,
      vpcSubnets: isolated,
      securityGroups: [this.dbSecurityGroup],
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      cloudwatchLogsExports: ['error', 'slowquery'],
    });

    const secret = this.cluster.secret;
    if (!secret) throw new Error('Aurora cluster has no generated secret');
    const endpoint = this.cluster.clusterEndpoint;
    // CloudFormation resolves the password reference when it writes this secret, so the password
    // never appears in the template. `ssl=Amazon RDS` is mysql2's built-in RDS CA profile.
    const password = secret.secretValueFromJson('password').unsafeUnwrap();
    this.databaseUrl = new secretsmanager.Secret(this, 'DatabaseUrl', {
      description: 'DATABASE_URL for the Aira services (Aurora writer endpoint)',
      secretStringValue: SecretValue.unsafePlainText(
        `mysql://${databaseUser}:${password}@${endpoint.hostname}:${endpoint.port}/${databaseName}?ssl=Amazon%20RDS`,
      ),
    });

    this.cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSg', {
      vpc,
      description: 'Redis: from the Aira services only',
      allowAllOutbound: false,
    });
    const subnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnets', {
      description: 'Aira Redis, isolated subnets',
      subnetIds: vpc.selectSubnets(isolated).subnetIds,
    });
    // BullMQ keeps jobs in Redis: evicting a key would silently lose a job, so a full cache must
    // refuse writes (and alarm) instead.
    const parameters = new elasticache.CfnParameterGroup(this, 'CacheParameters', {
      cacheParameterGroupFamily: 'redis7',
      description: 'Aira Redis: never evict (BullMQ)',
      properties: { 'maxmemory-policy': 'noeviction' },
    });
    const replicationGroupId = cacheGroupId(Stack.of(this).stackName);
    this.cache = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupId,
      replicationGroupDescription: 'Aira queues, reply streams and sessions',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.cacheNodeType,
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      preferredCacheClusterAZs: azA && azB ? [azA, azB] : undefined,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      cacheParameterGroupName: parameters.ref,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [this.cacheSecurityGroup.securityGroupId],
      port: redisPort,
      snapshotRetentionLimit: 1,
      autoMinorVersionUpgrade: true,
    });
    this.redisUrl = `rediss://${this.cache.attrPrimaryEndPointAddress}:${this.cache.attrPrimaryEndPointPort}`;
    // ElastiCache names the members of a replication group <group id>-001, -002, …
    this.cacheNodeIds = [`${replicationGroupId}-001`, `${replicationGroupId}-002`];
  }

  allowDatabaseFrom(peer: ec2.ISecurityGroup, description: string): void {
    this.dbSecurityGroup.addIngressRule(peer, ec2.Port.tcp(3306), description);
  }

  allowCacheFrom(peer: ec2.ISecurityGroup, description: string): void {
    this.cacheSecurityGroup.addIngressRule(peer, ec2.Port.tcp(redisPort), description);
  }
}

/** A replication group id from the stack name: lowercase, hyphens, at most 40 characters. */
export function cacheGroupId(stackName: string): string {
  const base = stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return `${base || 'aira'}-redis`;
}
