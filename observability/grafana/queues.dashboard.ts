import { catalog } from '../../shared/jobs/catalog';
import { fleets } from '../../shared/scaling/fleets.config';
import { type Dashboard, dashboard, green, histogramQuantile, red } from './dashboard.builder';

const byQueue = '{queue=~"$queue"}';

export function queuesDashboard(): Dashboard {
  return dashboard({
    uid: 'aira-queues',
    title: 'Aira · Queues & workers',
    description: 'Queue depth and age, jobs, the dead-letter queue, and what the autoscaler decided.',
    variables: [{ name: 'queue', label: 'Queue', metric: 'aira_queue_depth', labelName: 'queue' }],
    items: [
      { kind: 'row', title: 'Queues' },
      {
        kind: 'timeseries',
        title: 'Jobs by queue and state',
        description:
          'BullMQ waiting/active/delayed/prioritized/failed, SQS visible/inflight. Every process that reports a queue sees the same numbers, so one of them is shown.',
        min: 0,
        stack: true,
        queries: [{ expr: `queue_state:aira_queue_depth:max${byQueue}`, legend: '{{queue}} {{state}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Backlog (what the autoscaler scales on)',
        description: `BullMQ waiting + active + prioritized, SQS visible + inflight. The chat alert fires above ${fleets.chat.max * fleets.chat.targetBacklogPerWorker} (max workers × target backlog per worker).`,
        min: 0,
        queries: [{ expr: `queue:aira_queue_backlog:sum${byQueue}`, legend: '{{queue}}' }],
      },
      {
        kind: 'timeseries',
        title: `Chat: oldest waiting job (SLO ${fleets.chat.queueAgeSloSeconds} s)`,
        description: 'Age of the oldest waiting chat job. Above the SLO line the chat fleet is behind.',
        unit: 's',
        min: 0,
        width: 8,
        thresholds: [green(), red(fleets.chat.queueAgeSloSeconds)],
        queries: [
          {
            expr: `queue:aira_queue_oldest_age_seconds:max{queue="${catalog.chat.name}"}`,
            legend: catalog.chat.name,
          },
        ],
      },
      {
        kind: 'timeseries',
        title: `Writes: oldest message (SLO ${fleets.writer.queueAgeSloSeconds} s)`,
        description:
          'Age of the oldest message in the durable-writes queue. Above the SLO line the writers are behind.',
        unit: 's',
        min: 0,
        width: 8,
        thresholds: [green(), red(fleets.writer.queueAgeSloSeconds)],
        queries: [
          {
            expr: `queue:aira_queue_oldest_age_seconds:max{queue="${catalog.writes.name}"}`,
            legend: catalog.writes.name,
          },
        ],
      },
      {
        kind: 'stat',
        title: 'Dead-lettered writes',
        description: `Messages in ${catalog.writes.deadLetter.name}: survey answers or chat turns that were not saved. Anything above 0 for a minute alerts.`,
        width: 8,
        thresholds: [green(), red(1)],
        queries: [
          {
            expr: `sum(queue_state:aira_queue_depth:max{queue="${catalog.writes.deadLetter.name}"}) or vector(0)`,
            legend: 'dead-lettered',
          },
        ],
      },
      { kind: 'row', title: 'Jobs' },
      {
        kind: 'timeseries',
        title: 'Jobs finished per second',
        description: 'By queue and outcome: completed, failed, retried, cancelled.',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          {
            expr: `sum by (queue, outcome) (rate(aira_jobs_total${byQueue}[$__rate_interval]))`,
            legend: '{{queue}} {{outcome}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Failed-job ratio',
        description: 'Failed / (completed + failed + cancelled) over 5 minutes. Alert above 5 %.',
        unit: 'percentunit',
        min: 0,
        thresholds: [green(), red(0.05)],
        queries: [{ expr: `queue:aira_jobs_failed:ratio_rate5m${byQueue}`, legend: '{{queue}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Job duration (completed jobs)',
        description: 'Time a worker spent on a completed job. Dots are exemplars linking to traces.',
        unit: 's',
        min: 0,
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: histogramQuantile(q, 'aira_job_duration_seconds', {
            by: 'queue',
            selector: '{queue=~"$queue", outcome="completed"}',
          }),
          legend: `p${Math.round(q * 100)} {{queue}}`,
          exemplar: true,
        })),
      },
      {
        kind: 'timeseries',
        title: 'Job duration p95 by outcome',
        description:
          'A failed or cancelled job that runs long holds a concurrency slot as long as a good one.',
        unit: 's',
        min: 0,
        queries: [
          {
            expr: histogramQuantile(0.95, 'aira_job_duration_seconds', {
              by: 'queue, outcome',
              selector: byQueue,
            }),
            legend: '{{queue}} {{outcome}}',
            exemplar: true,
          },
        ],
      },
      { kind: 'row', title: 'Workers and autoscaler' },
      {
        kind: 'timeseries',
        title: 'Workers: desired vs running',
        description: `The policy's last decision and the worker processes running, per fleet (chat ${fleets.chat.min}–${fleets.chat.max}, writer ${fleets.writer.min}–${fleets.writer.max}). Desired above running for 5 minutes alerts.`,
        min: 0,
        queries: [
          { expr: 'max by (fleet) (aira_autoscaler_desired_workers)', legend: 'desired {{fleet}}' },
          { expr: 'max by (fleet) (aira_autoscaler_workers)', legend: 'running {{fleet}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Scaling decisions per minute',
        description: 'Decisions by fleet and direction: up, down, hold.',
        min: 0,
        stack: true,
        queries: [
          {
            expr: 'sum by (fleet, direction) (rate(aira_autoscaler_decisions_total[$__rate_interval])) * 60',
            legend: '{{fleet}} {{direction}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Backlog the policy saw',
        description:
          'The backlog behind the last decision; desired = ceil(backlog / target backlog per worker).',
        min: 0,
        width: 8,
        queries: [{ expr: 'max by (fleet) (aira_autoscaler_backlog)', legend: '{{fleet}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Queue age the policy saw',
        description: 'The oldest-job age behind the last decision, to compare with the fleet SLO.',
        unit: 's',
        min: 0,
        width: 8,
        queries: [{ expr: 'max by (fleet) (aira_autoscaler_queue_age_seconds)', legend: '{{fleet}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Worker processes answering scrapes',
        description: 'Workers listed in the autoscaler target files whose /metrics answered.',
        min: 0,
        width: 8,
        queries: [{ expr: 'count by (fleet) (up{job="aira-workers"} == 1)', legend: '{{fleet}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Worker CPU',
        description: 'CPU cores used by all workers of a fleet.',
        min: 0,
        width: 8,
        queries: [
          {
            expr: 'sum by (fleet) (rate(process_cpu_seconds_total{job="aira-workers"}[$__rate_interval]))',
            legend: '{{fleet}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Worker memory (RSS)',
        description: 'Resident memory of all workers of a fleet.',
        unit: 'bytes',
        min: 0,
        width: 8,
        queries: [
          { expr: 'sum by (fleet) (process_resident_memory_bytes{job="aira-workers"})', legend: '{{fleet}}' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Event loop lag p99 (worst process)',
        description: 'A blocked event loop delays every token and every job on that process.',
        unit: 's',
        min: 0,
        width: 8,
        queries: [
          { expr: 'max by (job, fleet) (nodejs_eventloop_lag_p99_seconds)', legend: '{{job}} {{fleet}}' },
        ],
      },
    ],
  });
}
