import { describe, expect, it } from 'vitest';
import { isContractSeries, metricNamesIn, parseMetricContract } from './metric-names.parser';

describe('metricNamesIn', () => {
  it('finds the metric inside functions, aggregations and label matchers', () => {
    expect(
      metricNamesIn('sum by (queue) (rate(aira_jobs_total{outcome="failed", queue=~"$queue"}[5m]))'),
    ).toEqual(['aira_jobs_total']);
  });

  it('skips numbers, durations, keywords, grouping labels and Grafana variables', () => {
    const expr =
      'histogram_quantile(0.99, sum by (route, le) (rate(aira_http_request_duration_seconds_bucket{route=~"$route"}[$__rate_interval]))) > bool 1e-3';
    expect(metricNamesIn(expr)).toEqual(['aira_http_request_duration_seconds_bucket']);
    expect(
      metricNamesIn('a_total / on (x) group_left (y) b_info offset 5m unless ignoring (z) c and vector(0)'),
    ).toEqual(['a_total', 'b_info', 'c']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
    expect(metricNamesIn('${queue} + x_total * 2 or Inf')).toEqual(['x_total']);
  });

  it('reads recording-rule names with colons and both sides of a binary operator', () => {
    expect(
      metricNamesIn(
        'slo:aira_reply_ttft_errors:ratio_rate1h > (14.4 * 0.01) and slo:aira_reply_ttft_errors:ratio_rate5m',
      ),
    ).toEqual(['slo:aira_reply_ttft_errors:ratio_rate1h', 'slo:aira_reply_ttft_errors:ratio_rate5m']);
  });

  it('ignores words inside strings', () => {
    expect(metricNamesIn('count by (fleet) (up{job="aira workers", fleet!="not_a_metric"} == 1)')).toEqual([
      'up',
    ]);
  });
});

describe('the metric contract', () => {
  const contract = parseMetricContract(
    [
      '| metric | type | labels | what |',
      '|---|---|---|---|',
      '| `aira_jobs_total` | counter | `queue`, `outcome` | jobs |',
      '| `aira_reply_ttft_seconds` | histogram | | ttft |',
      '| `process_*`, `nodejs_*` | | | defaults |',
    ].join('\n'),
  );

  it('parses names, types and prefix families from the table', () => {
    expect(contract.metrics).toEqual(
      new Map([
        ['aira_jobs_total', 'counter'],
        ['aira_reply_ttft_seconds', 'histogram'],
      ]),
    );
    expect(contract.prefixes).toEqual(['process_', 'nodejs_']);
  });

  it('accepts histogram series and default process metrics, and nothing else', () => {
    expect(isContractSeries('aira_jobs_total', contract)).toBe(true);
    expect(isContractSeries('aira_reply_ttft_seconds_bucket', contract)).toBe(true);
    expect(isContractSeries('aira_reply_ttft_seconds_count', contract)).toBe(true);
    expect(isContractSeries('process_cpu_seconds_total', contract)).toBe(true);
    expect(isContractSeries('aira_reply_ttft_seconds', contract)).toBe(false);
    expect(isContractSeries('aira_jobs_total_bucket', contract)).toBe(false);
    expect(isContractSeries('aira_job_total', contract)).toBe(false);
  });
});
