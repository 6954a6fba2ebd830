import { type Static, Type } from '@sinclair/typebox';

// The operator views' responses. The load tool's ops sampler (loadtest/ops/ops.sampler.ts) reads
// `GET /api/ops/status` with these types and checks: a change here that breaks it breaks the build.

const Count = Type.Integer({ minimum: 0 });

export const QueueStatus = Type.Object({
  name: Type.String(),
  transport: Type.Union([Type.Literal('bullmq'), Type.Literal('sqs')]),
  /** BullMQ waiting; SQS visible. */
  waiting: Count,
  /** BullMQ active; SQS in flight (received, not yet deleted). */
  active: Count,
  delayed: Count,
  backlog: Count,
  /** Null when the transport cannot tell (SQS; in AWS it is CloudWatch's ApproximateAgeOfOldestMessage). */
  oldestAgeSeconds: Type.Union([Type.Number(), Type.Null()]),
  states: Type.Record(Type.String(), Count),
});
export type QueueStatus = Static<typeof QueueStatus>;

/** One worker process of a fleet, as the local autoscaler reports it; its other fields pass through. */
export const FleetWorker = Type.Object(
  {
    id: Type.String(),
    /** A retiring worker finishes what it holds and takes nothing new: it no longer counts. */
    state: Type.Union([Type.Literal('starting'), Type.Literal('running'), Type.Literal('retiring')]),
  },
  { additionalProperties: true },
);

/** One fleet as the local autoscaler's `/status` reports it; its other fields pass through. */
export const FleetStatus = Type.Object(
  {
    name: Type.String(),
    workers: Type.Array(FleetWorker),
    /** What the last scaling decision asked for; null before the first. */
    desired: Type.Union([Count, Type.Null()]),
  },
  { additionalProperties: true },
);
export type FleetStatus = Static<typeof FleetStatus>;

export const OpsStatus = Type.Object({
  queues: Type.Array(QueueStatus),
  /** The autoscaler's fleets; empty when it is unreachable (in AWS the fleets are ECS services). */
  fleets: Type.Array(FleetStatus),
  autoscaler: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
  dlq: Type.Object({ name: Type.String(), depth: Count }),
});
export type OpsStatus = Static<typeof OpsStatus>;
