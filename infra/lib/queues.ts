import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { catalog } from '../../shared/jobs/catalog';

/**
 * The durable-writes FIFO queue and its dead-letter queue, named and set as the job catalog
 * (shared/jobs/catalog.ts) declares them. The names are stored contracts with the services
 * (docs/METRICS.md): the services get the URLs, but operators and dashboards use the names.
 */
export class Queues extends Construct {
  readonly writes: sqs.Queue;
  readonly writesDlq: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const spec = catalog.writes;
    this.writesDlq = new sqs.Queue(this, 'WritesDlq', {
      queueName: spec.deadLetter.name,
      fifo: spec.fifo,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(spec.deadLetter.retentionSeconds),
    });
    this.writes = new sqs.Queue(this, 'Writes', {
      queueName: spec.name,
      fifo: spec.fifo,
      // Producers set a deduplication id; content-based deduplication only covers any that do not.
      contentBasedDeduplication: true,
      // Ordering is per user (message group), so high-throughput FIFO keeps users independent.
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(spec.retentionSeconds),
      deadLetterQueue: { queue: this.writesDlq, maxReceiveCount: spec.maxReceiveCount },
    });
  }
}
