import { type Dashboard, dashboard, green, histogramQuantile, orange, red } from './dashboard.builder';

/** The reply SLO: 99 % of replies get their first token within 1 s; the budget is the other 1 %. */
const budget = 0.01;
const objective = 1 - budget;
const fastBurn = 14.4;
const slowBurn = 6;

const withinSloOverRange =
  'sum(increase(aira_reply_ttft_seconds_bucket{le="1"}[$__range])) / sum(increase(aira_reply_ttft_seconds_count[$__range]))';

const burnThresholds = [green(), orange(slowBurn), red(fastBurn)];

export function sloDashboard(): Dashboard {
  return dashboard({
    uid: 'aira-slo',
    title: 'Aira · Reply SLOs',
    description: 'What users feel: time to the first token, errors, and how fast the error budget burns.',
    items: [
      { kind: 'row', title: 'First token: 99 % of replies within 1 s' },
      {
        kind: 'stat',
        title: 'Replies with first token ≤ 1 s',
        description:
          'Share of replies over the dashboard range whose first token came within 1 s. SLO: 99 %.',
        unit: 'percentunit',
        decimals: 2,
        width: 6,
        height: 5,
        thresholds: [red(), green(objective)],
        queries: [{ expr: withinSloOverRange, instant: true, legend: 'within 1 s' }],
      },
      {
        kind: 'stat',
        title: 'Error budget left (dashboard range)',
        description:
          'The 1 % of replies allowed to be slow, minus those that were. Below 0 the SLO is missed.',
        unit: 'percentunit',
        decimals: 1,
        width: 6,
        height: 5,
        thresholds: [red(), orange(0), green(0.5)],
        queries: [
          { expr: `1 - (1 - (${withinSloOverRange})) / ${budget}`, instant: true, legend: 'budget left' },
        ],
      },
      {
        kind: 'stat',
        title: 'Burn rate, last hour',
        description: `Error ratio over 1 h divided by the 1 % budget. The fast-burn alert pages above ${fastBurn} (with the 5 m window also above).`,
        decimals: 1,
        width: 6,
        height: 5,
        thresholds: burnThresholds,
        queries: [{ expr: `slo:aira_reply_ttft_errors:ratio_rate1h / ${budget}`, legend: '1 h' }],
      },
      {
        kind: 'stat',
        title: 'Burn rate, last 6 hours',
        description: `Error ratio over 6 h divided by the 1 % budget. The slow-burn alert pages above ${slowBurn} (with the 30 m window also above).`,
        decimals: 1,
        width: 6,
        height: 5,
        thresholds: burnThresholds,
        queries: [{ expr: `slo:aira_reply_ttft_errors:ratio_rate6h / ${budget}`, legend: '6 h' }],
      },
      {
        kind: 'timeseries',
        title: 'Time to first token',
        description:
          'Enqueue to first token appended to the reply stream. Dots are exemplars: click one to open its trace in Tempo.',
        unit: 's',
        min: 0,
        thresholds: [green(), red(1)],
        queries: [0.5, 0.9, 0.99].map((q) => ({
          expr: histogramQuantile(q, 'aira_reply_ttft_seconds'),
          legend: `p${Math.round(q * 100)}`,
          exemplar: true,
        })),
      },
      {
        kind: 'timeseries',
        title: 'Error-budget burn rate by window',
        description: `1 = the budget lasts exactly the SLO period. Fast burn pages when 1 h and 5 m are both above ${fastBurn}; slow burn when 6 h and 30 m are both above ${slowBurn}.`,
        min: 0,
        thresholds: burnThresholds,
        queries: ['5m', '30m', '1h', '6h'].map((window) => ({
          expr: `slo:aira_reply_ttft_errors:ratio_rate${window} / ${budget}`,
          legend: window,
        })),
      },
      {
        kind: 'timeseries',
        title: 'Replies slower than 1 s',
        description: 'Share of replies over 1 s to their first token, 5 minute window. The SLO allows 1 %.',
        unit: 'percentunit',
        min: 0,
        thresholds: [green(), red(budget)],
        queries: [{ expr: 'slo:aira_reply_ttft_errors:ratio_rate5m', legend: 'over 1 s' }],
      },
      {
        kind: 'timeseries',
        title: 'Replies started per second',
        description: 'Replies that got a first token, per second.',
        unit: 'ops',
        min: 0,
        queries: [
          { expr: 'sum(rate(aira_reply_ttft_seconds_count[$__rate_interval]))', legend: 'replies/s' },
        ],
      },
      { kind: 'row', title: 'Errors' },
      {
        kind: 'timeseries',
        title: 'Gateway 5xx ratio',
        description:
          'Share of gateway responses that are 5xx (a bug or an outage; bad input is 4xx). Alert above 5 %.',
        unit: 'percentunit',
        min: 0,
        width: 8,
        thresholds: [green(), red(0.05)],
        queries: [
          {
            expr: 'sum(rate(aira_http_requests_total{status=~"5.."}[$__rate_interval])) / sum(rate(aira_http_requests_total[$__rate_interval]))',
            legend: '5xx',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Failed-job ratio by queue',
        description:
          'Failed / (completed + failed + cancelled) jobs over 5 minutes; retries are not counted. Alert above 5 %.',
        unit: 'percentunit',
        min: 0,
        width: 8,
        thresholds: [green(), red(0.05)],
        queries: [{ expr: 'queue:aira_jobs_failed:ratio_rate5m', legend: '{{queue}}' }],
      },
      {
        kind: 'timeseries',
        title: 'LLM calls by outcome',
        description: 'Calls to the LLM per second: ok, error, cancelled (a user cancel is not an error).',
        unit: 'ops',
        min: 0,
        width: 8,
        stack: true,
        queries: [
          {
            expr: 'sum by (outcome) (rate(aira_llm_requests_total[$__rate_interval]))',
            legend: '{{outcome}}',
          },
        ],
      },
      { kind: 'row', title: 'Streaming' },
      {
        kind: 'timeseries',
        title: 'Gap between tokens',
        description: 'Time between tokens from the LLM. Dots are exemplars linking to traces.',
        unit: 's',
        min: 0,
        width: 8,
        queries: [0.5, 0.99].map((q) => ({
          expr: histogramQuantile(q, 'aira_reply_inter_token_seconds'),
          legend: `p${Math.round(q * 100)}`,
          exemplar: true,
        })),
      },
      {
        kind: 'timeseries',
        title: 'Tokens per second per reply',
        description: 'Completion tokens / generation time. Low is bad, so the slow tail (p10) matters.',
        min: 0,
        width: 8,
        queries: [0.1, 0.5].map((q) => ({
          expr: histogramQuantile(q, 'aira_reply_tokens_per_second'),
          legend: `p${Math.round(q * 100)}`,
        })),
      },
      {
        kind: 'timeseries',
        title: 'SSE streams open',
        description: 'Reply streams the gateways are relaying to browsers right now.',
        min: 0,
        width: 8,
        queries: [{ expr: 'sum(aira_sse_streams_open)', legend: 'streams' }],
      },
    ],
  });
}
