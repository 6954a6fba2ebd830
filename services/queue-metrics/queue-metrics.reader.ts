import type { Queue } from 'bullmq';

/** The part of a BullMQ queue the reader uses. */
export type QueueGetters = Pick<Queue, 'name' | 'getJobCounts' | 'getJobs'>;

export interface QueueSnapshot {
  readonly queue: string;
  readonly waiting: number;
  readonly prioritized: number;
  readonly active: number;
  /** waiting + prioritized + active: what the fleet's backlog-per-task target divides. */
  readonly backlog: number;
  /** Age of the oldest waiting job, 0 when none waits. */
  readonly oldestAgeSeconds: number;
}

/** Reads one queue's counts and oldest waiting job through BullMQ's own getters. */
export async function readQueueSnapshot(queue: QueueGetters, now: number): Promise<QueueSnapshot> {
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'prioritized'),
    // The wait list takes new jobs at its head, so ascending order starts at the oldest.
    queue.getJobs(['waiting'], 0, 0, true),
  ]);
  const waiting = counts.waiting ?? 0;
  const active = counts.active ?? 0;
  const prioritized = counts.prioritized ?? 0;
  const job = oldest[0];
  // A delayed job only became runnable once its delay had passed.
  const readyAt = job ? job.timestamp + (job.delay ?? 0) : now;
  return {
    queue: queue.name,
    waiting,
    prioritized,
    active,
    backlog: waiting + prioritized + active,
    oldestAgeSeconds: Math.max(0, (now - readyAt) / 1000),
  };
}
