import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Reads an SQS queue's backlog with one GetQueueAttributes call. SQS has no queue attribute for the
 * age of the oldest message: in AWS that is the CloudWatch metric `ApproximateAgeOfOldestMessage`
 * (AWS/SQS, 1-minute datapoints), which the CDK app alarms on directly; the local autoscaler can pass
 * an `oldestAge` provider, and without one the policy scales this queue on depth alone.
 */
export interface SqsBacklog {
  /** ApproximateNumberOfMessages: waiting to be received. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received by a worker, not yet deleted. */
  readonly inflight: number;
  /** ApproximateNumberOfMessagesDelayed: not yet runnable, so not part of the backlog. */
  readonly delayed: number;
  /** visible + inflight: what the scaling policy sizes the fleet for. */
  readonly backlog: number;
  /** Null when no age provider was given or it knows no age. */
  readonly oldestAgeSeconds: number | null;
}

export interface SqsBacklogReader {
  read(): Promise<SqsBacklog>;
}

export interface SqsBacklogDeps {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Age of the oldest message in seconds, e.g. from CloudWatch; null when unknown. */
  readonly oldestAge?: () => Promise<number | null>;
  /**
   * local-aws-sqs 2.0.2 counts in-flight messages in ApproximateNumberOfMessages; AWS does not.
   * Set this only against that emulator, so in-flight messages are not counted twice.
   */
  readonly visibleIncludesInflight?: boolean;
}

const ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

export function createSqsBacklogReader(deps: SqsBacklogDeps): SqsBacklogReader {
  const { sqs, queueUrl } = deps;

  return {
    async read() {
      let attributes: Partial<Record<string, string>>;
      let age: number | null;
      try {
        const [reply, oldest] = await Promise.all([
          sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...ATTRIBUTES] })),
          deps.oldestAge ? deps.oldestAge() : Promise.resolve(null),
        ]);
        attributes = reply.Attributes ?? {};
        age = oldest;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(`Reading the backlog of SQS queue ${queueUrl} failed: ${message}`, { cause: err });
      }

      const count = (name: (typeof ATTRIBUTES)[number]): number => {
        const value = Number(attributes[name]);
        if (attributes[name] === undefined || !Number.isInteger(value) || value < 0) {
          throw new Error(`SQS queue ${queueUrl} returned ${name}=${String(attributes[name])}, not a count`);
        }
        return value;
      };
      const reported = count('ApproximateNumberOfMessages');
      const inflight = count('ApproximateNumberOfMessagesNotVisible');
      const visible = deps.visibleIncludesInflight ? Math.max(0, reported - inflight) : reported;
      if (age !== null && !(age >= 0)) {
        throw new Error(`The oldest-age provider for SQS queue ${queueUrl} returned ${age}, not a duration`);
      }
      return {
        visible,
        inflight,
        delayed: count('ApproximateNumberOfMessagesDelayed'),
        backlog: visible + inflight,
        oldestAgeSeconds: age,
      };
    },
  };
}
