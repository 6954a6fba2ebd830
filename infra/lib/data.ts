import { Duration, Stack, Validations } from 'aws-cdk-lib';
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

export const databaseName = 'aira';
const databaseUser = 'aira';
const redisPort = 6379;
// Left out of the generated password and of every rotation's: characters some shells and URL
// parsers mishandle (the services encode the password anyway, see shared/config/connection.urls.ts).
const excludeCharacters = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\^=,';

/**
 * Aurora MySQL (writer + reader in another AZ) and ElastiCache Redis (primary + replica with
 * automatic failover), both encrypted at rest and in transit, both in the isolated subnets,
 * reachable only from the security groups the services grant themselves with
 * `allowDatabaseFrom` / `allowCacheFrom`, and both behind a password kept in Secrets Manager.
 */
export class Data extends Construct {
  readonly cluster: rds.DatabaseCluster;
  /**
   * Aurora's own secret (host, port, username, password), which the rotation function changes: the
   * services read its fields at start and build DATABASE_URL from them, so nothing holds a copy.
   */
  readonly databaseSecret: secretsmanager.ISecret;
  readonly cache: elasticache.CfnReplicationGroup;
  /** REDIS_URL for the services (TLS); the password comes from `redisAuthToken`. */
  readonly redisUrl: string;
  /** Redis AUTH token, which the services put into REDIS_URL as its password. */
  readonly redisAuthToken: secretsmanager.Secret;
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
      credentials: rds.Credentials.fromGeneratedSecret(databaseUser, { excludeCharacters }),
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
      // Chats and accounts live here: deleting the cluster takes a deliberate step first.
      deletionProtection: true,
      cloudwatchLogsExports: ['error', 'slowquery'],
    });
    Validations.of(this.cluster).acknowledge(
      {
        id: 'AwsSolutions-RDS6',
        reason:
          'The services sign in with the password from Secrets Manager; IAM tokens would need every process to refresh one every 15 minutes.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason:
          'Only the services’ security groups reach the isolated subnets; another port number would hide nothing from them.',
      },
      {
        id: 'AwsSolutions-RDS14',
        reason:
          'Recovery is point-in-time restore from the 7-day backups into a new cluster; Backtrack would rewind the live one under the running services.',
      },
    );

    const secret = this.cluster.secret;
    if (!secret) throw new Error('Aurora cluster has no generated secret');
    this.databaseSecret = secret;
    // A rotation function an operator runs on demand (docs/DEPLOY.md), never on a timer: a running
    // task keeps the password it started with, so every rotation is followed by a redeploy.
    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(0),
      rotateImmediatelyOnUpdate: false,
      excludeCharacters,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    // `cluster.secret` is the secret's attachment to the cluster; the rule looks at the secret.
    Validations.of(this.cluster.node.findChild('Secret')).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation runs on demand, followed by a redeploy: ECS hands a task its secrets once, at start, so a scheduled rotation would cut running tasks off the database.',
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
    // ElastiCache AUTH tokens are 16 to 128 printable characters without @, " or /.
    this.redisAuthToken = new secretsmanager.Secret(this, 'RedisAuthToken', {
      description: 'AUTH token of the Aira Redis (REDIS_PASSWORD for the services)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.redisAuthToken).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'ElastiCache changes an AUTH token only through its own ROTATE/SET strategy on the replication group, outside Secrets Manager rotation.',
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
      // Sessions live in this Redis: a client needs the token as well as a security group.
      authToken: this.redisAuthToken.secretValue.unsafeUnwrap(),
      cacheParameterGroupName: parameters.ref,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [this.cacheSecurityGroup.securityGroupId],
      port: redisPort,
      snapshotRetentionLimit: 1,
      autoMinorVersionUpgrade: true,
    });
    Validations.of(this.cache).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason:
        'Only the services’ security groups reach the isolated subnets, and a client needs the AUTH token; another port number would hide nothing.',
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
