/**
 * CloudWatch names the queue-metrics publisher writes and the CDK app scales and alarms on.
 * They are stored contracts between the two: change them in both places at once (this file is
 * the one both import).
 */
export const queueMetricsNamespace = 'Aira/Queues';

/** Jobs waiting, prioritized or active: the work a fleet still has to do. */
export const backlogMetricName = 'Backlog';

/** Seconds the oldest waiting job has been ready to run. */
export const oldestAgeMetricName = 'OldestAgeSeconds';

/** The one dimension, holding the BullMQ queue name. */
export const queueDimensionName = 'Queue';
