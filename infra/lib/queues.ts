import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A message is tried this many times before it is parked in the dead-letter queue. */
export const writesMaxReceiveCount = 5;

/**
 * The durable-writes FIFO queue and its dead-letter queue. The names are stored contracts with
 * the services (docs/METRICS.md): the services get the URLs, but operators and dashboards use
 * the names.
 */
export class Queues extends Construct {
  readonly writes: sqs.Queue;
  readonly writesDlq: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.writesDlq = new sqs.Queue(this, 'WritesDlq', {
      queueName: 'aira-writes-dlq.fifo',
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.writes = new sqs.Queue(this, 'Writes', {
      queueName: 'aira-writes.fifo',
      fifo: true,
      // Producers set a deduplication id; content-based deduplication only covers any that do not.
      contentBasedDeduplication: true,
      // Ordering is per user (message group), so high-throughput FIFO keeps users independent.
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than a writer batch takes, so a slow batch is not redelivered while it is written.
      visibilityTimeout: Duration.seconds(60),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.writesDlq, maxReceiveCount: writesMaxReceiveCount },
    });
  }
}
