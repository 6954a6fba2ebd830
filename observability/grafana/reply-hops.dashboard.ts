import { catalog } from '../../shared/jobs/catalog';
import { fleets } from '../../shared/scaling/fleets.config';
import {
  type Dashboard,
  dashboard,
  green,
  histogramMean,
  histogramQuantile,
  red,
  type TimeseriesSpec,
} from './dashboard.builder';

const hops = 'queue_wait → pickup → llm_first_token → relay';

/** Per-hop percentiles stacked, with the reply's whole TTFT at the same percentile as a dashed line. */
function hopPercentiles(q: number): TimeseriesSpec {
  const p = `p${Math.round(q * 100)}`;
  return {
    kind: 'timeseries',
    title: `${p} per hop (stacked) vs ${p} time to first token`,
    description: `Each hop's ${p}, stacked in reply order (${hops}). Percentiles do not add up exactly: the stack shows which hop dominates, the dashed line is the measured ${p} TTFT. Dots are exemplars linking to traces.`,
    unit: 's',
    min: 0,
    stack: true,
    lines: [`TTFT ${p}`],
    queries: [
      {
        expr: histogramQuantile(q, 'aira_reply_hop_seconds', { by: 'hop' }),
        legend: '{{hop}}',
        exemplar: true,
      },
      { expr: histogramQuantile(q, 'aira_reply_ttft_seconds'), legend: `TTFT ${p}` },
    ],
  };
}

export function replyHopsDashboard(): Dashboard {
  return dashboard({
    uid: 'aira-reply-hops',
    title: 'Aira · Reply hops',
    description: `Where a reply's time goes, hop by hop (${hops}), and how the durable writes keep up.`,
    items: [
      { kind: 'row', title: `Per hop: ${hops}` },
      {
        kind: 'timeseries',
        title: 'Mean time per hop (stacked)',
        description:
          'Means add up: queue_wait + pickup + llm_first_token is the mean time to first token; relay is the gateway passing it to the browser. The dashed line is the measured mean TTFT.',
        unit: 's',
        min: 0,
        stack: true,
        lines: ['TTFT mean'],
        queries: [
          { expr: histogramMean('aira_reply_hop_seconds', { by: 'hop' }), legend: '{{hop}}' },
          { expr: histogramMean('aira_reply_ttft_seconds'), legend: 'TTFT mean' },
        ],
      },
      hopPercentiles(0.5),
      hopPercentiles(0.95),
      hopPercentiles(0.99),
      {
        kind: 'table',
        title: 'Hop percentiles, last 5 minutes',
        description: 'The same numbers at the end of the range, one row per hop.',
        width: 24,
        height: 6,
        columns: [
          { title: 'p50', unit: 's' },
          { title: 'p95', unit: 's' },
          { title: 'p99', unit: 's' },
        ],
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: histogramQuantile(q, 'aira_reply_hop_seconds', { by: 'hop', window: '5m' }),
          instant: true,
        })),
      },
      {
        kind: 'timeseries',
        title: 'Relay of every live token (p50, p99)',
        description:
          'The relay hop above counts only the first token of a reply; this is every token the gateway relayed live, from its append in Redis to its write on the SSE socket. Dots are exemplars linking to the stream request.',
        unit: 's',
        min: 0,
        queries: [0.5, 0.99].map((q) => ({
          expr: histogramQuantile(q, 'aira_sse_relay_seconds'),
          legend: `p${Math.round(q * 100)}`,
          exemplar: true,
        })),
      },
      { kind: 'row', title: 'Writer' },
      {
        kind: 'timeseries',
        title: 'Messages per batch',
        description:
          'How many queued writes one database batch carries; bigger batches mean fewer round trips.',
        min: 0,
        width: 8,
        queries: [
          { expr: histogramMean('aira_writer_batch_size'), legend: 'mean' },
          ...[0.5, 0.95].map((q) => ({
            expr: histogramQuantile(q, 'aira_writer_batch_size'),
            legend: `p${Math.round(q * 100)}`,
          })),
        ],
      },
      {
        kind: 'timeseries',
        title: 'Batch write time',
        description: 'Time to write one batch to the database. Dots are exemplars linking to traces.',
        unit: 's',
        min: 0,
        width: 8,
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: histogramQuantile(q, 'aira_writer_batch_duration_seconds'),
          legend: `p${Math.round(q * 100)}`,
          exemplar: true,
        })),
      },
      {
        kind: 'timeseries',
        title: 'Writes per second',
        description: 'By kind and outcome: written, duplicate (a redelivery, skipped), dead_lettered.',
        unit: 'ops',
        min: 0,
        width: 8,
        stack: true,
        queries: [
          {
            expr: 'sum by (kind, outcome) (rate(aira_writer_messages_total[$__rate_interval]))',
            legend: '{{kind}} {{outcome}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: `Writes: oldest message (SLO ${fleets.writer.queueAgeSloSeconds} s)`,
        description:
          'How far behind the writers are. A reply is readable from Redis meanwhile; history pages wait for this.',
        unit: 's',
        min: 0,
        width: 24,
        height: 6,
        thresholds: [green(), red(fleets.writer.queueAgeSloSeconds)],
        queries: [
          {
            expr: `queue:aira_queue_oldest_age_seconds:max{queue="${catalog.writes.name}"}`,
            legend: catalog.writes.name,
          },
        ],
      },
    ],
  });
}
