import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { catalog, dlqNameFor } from '../jobs/catalog';

export interface SqsConfig {
  SQS_ENDPOINT?: string | undefined;
  AWS_REGION: string;
  SQS_WRITES_QUEUE_URL?: string | undefined;
  SQS_WRITES_DLQ_URL?: string | undefined;
  SQS_WRITES_QUEUE_NAME: string;
}

export interface WritesQueues {
  url: string;
  dlqUrl: string;
  name: string;
  dlqName: string;
}

// The lockfile pins an AWS SDK release that supports Node 20; its notice about later releases
// needing Node 22 would otherwise open every process's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** An SQS client: the emulator (fixed dummy credentials) when SQS_ENDPOINT is set, else AWS. */
export function createSqs(config: Pick<SqsConfig, 'SQS_ENDPOINT' | 'AWS_REGION'>): SQSClient {
  if (!config.SQS_ENDPOINT) return new SQSClient({ region: config.AWS_REGION });
  return new SQSClient({
    region: config.AWS_REGION,
    endpoint: config.SQS_ENDPOINT,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * Finds the writes queue and its dead-letter queue. On an emulator they are created if missing
 * (in AWS the CDK app owns them, and their URLs come from the environment).
 */
export async function resolveWritesQueues(sqs: SQSClient, config: SqsConfig): Promise<WritesQueues> {
  const name = config.SQS_WRITES_QUEUE_NAME;
  const dlqName = dlqNameFor(name);
  if (config.SQS_WRITES_QUEUE_URL && config.SQS_WRITES_DLQ_URL) {
    return { url: config.SQS_WRITES_QUEUE_URL, dlqUrl: config.SQS_WRITES_DLQ_URL, name, dlqName };
  }
  if (!config.SQS_ENDPOINT) {
    const [url, dlqUrl] = await Promise.all([
      sqs.send(new GetQueueUrlCommand({ QueueName: name })),
      sqs.send(new GetQueueUrlCommand({ QueueName: dlqName })),
    ]);
    return { url: url.QueueUrl!, dlqUrl: dlqUrl.QueueUrl!, name, dlqName };
  }
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: dlqName,
      Attributes: {
        FifoQueue: String(catalog.writes.fifo),
        MessageRetentionPeriod: String(catalog.writes.deadLetter.retentionSeconds),
      },
    }),
  );
  const dlqArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        FifoQueue: String(catalog.writes.fifo),
        VisibilityTimeout: String(catalog.writes.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(catalog.writes.retentionSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes!.QueueArn,
          maxReceiveCount: catalog.writes.maxReceiveCount,
        }),
      },
    }),
  );
  return { url: queue.QueueUrl!, dlqUrl: dlq.QueueUrl!, name, dlqName };
}
