import { type Dashboard, dashboard, green, histogramQuantile, orange, red } from './dashboard.builder';

const route = 'route=~"$route"';

export function httpDashboard(): Dashboard {
  return dashboard({
    uid: 'aira-http',
    title: 'Aira · HTTP',
    description: 'The gateway per route: traffic, errors, latency with exemplars, and the gateway process.',
    variables: [{ name: 'route', label: 'Route', metric: 'aira_http_requests_total', labelName: 'route' }],
    items: [
      { kind: 'row', title: 'Traffic' },
      {
        kind: 'timeseries',
        title: 'Requests per second by route',
        description:
          'Routes are the Fastify route patterns (e.g. /api/conversations/:id/messages), not raw URLs.',
        unit: 'reqps',
        min: 0,
        stack: true,
        queries: [
          {
            expr: `sum by (route) (rate(aira_http_requests_total{${route}}[$__rate_interval]))`,
            legend: '{{route}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Responses per second by status',
        description: '2xx/3xx fine, 4xx bad input (429 = rate limited), 5xx a bug or an outage.',
        unit: 'reqps',
        min: 0,
        stack: true,
        queries: [
          {
            expr: `sum by (status) (rate(aira_http_requests_total{${route}}[$__rate_interval]))`,
            legend: '{{status}}',
          },
        ],
      },
      { kind: 'row', title: 'Errors' },
      {
        kind: 'timeseries',
        title: '5xx ratio by route',
        description: 'Share of a route’s responses that are 5xx. The gateway-wide alert fires above 5 %.',
        unit: 'percentunit',
        min: 0,
        thresholds: [green(), red(0.05)],
        queries: [
          {
            expr: `sum by (route) (rate(aira_http_requests_total{status=~"5..", ${route}}[$__rate_interval])) / sum by (route) (rate(aira_http_requests_total{${route}}[$__rate_interval]))`,
            legend: '{{route}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: '4xx per second by route and status',
        description:
          'Bad input, missing auth, not found, rate limited: not Aira’s errors, but a jump is worth a look.',
        unit: 'reqps',
        min: 0,
        queries: [
          {
            expr: `sum by (route, status) (rate(aira_http_requests_total{status=~"4..", ${route}}[$__rate_interval]))`,
            legend: '{{route}} {{status}}',
          },
        ],
      },
      { kind: 'row', title: 'Latency' },
      ...[0.5, 0.95, 0.99].map((q) => ({
        kind: 'timeseries' as const,
        title: `p${Math.round(q * 100)} latency by route`,
        description: `Request latency at p${Math.round(q * 100)}. The stream route stays open for the whole reply, so it is slow by design. Dots are exemplars linking to traces.`,
        unit: 's',
        min: 0,
        width: q === 0.5 ? 24 : 12,
        queries: [
          {
            expr: histogramQuantile(q, 'aira_http_request_duration_seconds', {
              by: 'route',
              selector: `{${route}}`,
            }),
            legend: '{{route}}',
            exemplar: true,
          },
        ],
      })),
      {
        kind: 'table',
        title: 'Routes over the dashboard range',
        description: 'One row per route: traffic, 5xx ratio and p95 latency over the whole range.',
        width: 24,
        height: 9,
        columns: [
          { title: 'req/s', unit: 'reqps' },
          { title: '5xx ratio', unit: 'percentunit' },
          { title: 'p95', unit: 's' },
        ],
        queries: [
          { expr: `sum by (route) (rate(aira_http_requests_total{${route}}[$__range]))`, instant: true },
          {
            expr: `sum by (route) (rate(aira_http_requests_total{status=~"5..", ${route}}[$__range])) / sum by (route) (rate(aira_http_requests_total{${route}}[$__range]))`,
            instant: true,
          },
          {
            expr: histogramQuantile(0.95, 'aira_http_request_duration_seconds', {
              by: 'route',
              selector: `{${route}}`,
              window: '$__range',
            }),
            instant: true,
          },
        ],
      },
      { kind: 'row', title: 'Gateway process' },
      {
        kind: 'timeseries',
        title: 'SSE streams open',
        description: 'Reply streams being relayed; each holds no Redis connection of its own.',
        min: 0,
        width: 8,
        queries: [{ expr: 'sum by (instance) (aira_sse_streams_open)', legend: '{{instance}}' }],
      },
      {
        kind: 'timeseries',
        title: 'Gateway CPU',
        description: 'CPU cores used per gateway process.',
        min: 0,
        width: 8,
        queries: [
          {
            expr: 'sum by (instance) (rate(process_cpu_seconds_total{job="aira-gateway"}[$__rate_interval]))',
            legend: '{{instance}}',
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Gateway event loop lag p99',
        description: 'A blocked event loop delays every request and every relayed token.',
        unit: 's',
        min: 0,
        width: 8,
        thresholds: [green(), orange(0.05), red(0.2)],
        queries: [
          {
            expr: 'max by (instance) (nodejs_eventloop_lag_p99_seconds{job="aira-gateway"})',
            legend: '{{instance}}',
          },
        ],
      },
    ],
  });
}
