import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fleets } from '../shared/scaling/fleets.config';
import { buildDashboards, serialize } from './grafana/dashboards';
import { isContractSeries, metricNamesIn, parseMetricContract } from './metric-names.parser';

const here = import.meta.dirname;
const read = (path: string) => readFileSync(join(here, path), 'utf8');

const Rule = Type.Object({
  record: Type.Optional(Type.String()),
  alert: Type.Optional(Type.String()),
  expr: Type.String(),
  for: Type.Optional(Type.String()),
  labels: Type.Optional(Type.Record(Type.String(), Type.String())),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const RuleFile = Type.Object({
  groups: Type.Array(Type.Object({ name: Type.String(), rules: Type.Array(Rule) })),
});
const RuleTests = Type.Object({
  tests: Type.Array(
    Type.Object({
      promql_expr_test: Type.Optional(Type.Array(Type.Object({ expr: Type.String() }))),
      alert_rule_test: Type.Optional(
        Type.Array(Type.Object({ alertname: Type.String(), exp_alerts: Type.Array(Type.Unknown()) })),
      ),
    }),
  ),
});
type Json = Record<string, unknown>;

const rules = Value.Parse(RuleFile, parse(read('prometheus/rules/aira.rules.yml'))).groups.flatMap(
  (g) => g.rules,
);
const alerts = rules.filter((rule) => rule.alert);
const recordNames = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
const ruleTestFiles = readdirSync(join(here, 'prometheus/tests')).filter((file) =>
  file.endsWith('.test.yml'),
);
const ruleTests = ruleTestFiles.flatMap(
  (file) => Value.Parse(RuleTests, parse(read(`prometheus/tests/${file}`))).tests,
);

const contract = parseMetricContract(readFileSync(join(here, '../docs/METRICS.md'), 'utf8'));
/** Series Prometheus itself makes: scrape health and the alerts it evaluates. */
const builtIn = new Set(['up', 'ALERTS']);
const unknownNames = (expr: string) =>
  metricNamesIn(expr).filter((n) => !isContractSeries(n, contract) && !recordNames.has(n) && !builtIn.has(n));

const dashboardDir = join(here, 'grafana/dashboards');
const dashboardFiles = readdirSync(dashboardDir).filter((file) => file.endsWith('.json'));
const dashboards = dashboardFiles.map((file) => ({
  file,
  json: JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')) as Json,
}));

function panelsOf(dashboard: Json): Json[] {
  const top = (dashboard.panels ?? []) as Json[];
  return top.flatMap((panel) => [panel, ...((panel.panels ?? []) as Json[])]);
}
const targetsOf = (panel: Json) => (panel.targets ?? []) as Json[];

/** Every PromQL expression a dashboard runs: panel targets and annotation queries. */
function exprsOf(dashboard: Json): string[] {
  const annotations = ((dashboard.annotations as { list: Json[] }).list ?? []).flatMap((a) =>
    typeof a.expr === 'string' ? [a.expr] : [],
  );
  return [...panelsOf(dashboard).flatMap((p) => targetsOf(p).map((t) => String(t.expr))), ...annotations];
}

/** Metrics that template variables list labels of: label_values(<metric>, <label>). */
function variableMetricsOf(dashboard: Json): string[] {
  const variables = (dashboard.templating as { list: Json[] }).list;
  return variables.map(
    (v) => /^label_values\((\w+),/.exec(String(v.definition))?.[1] ?? `unparsed:${v.definition}`,
  );
}

describe('Grafana dashboards', () => {
  it('are committed exactly as the builder writes them', () => {
    const built = buildDashboards();
    expect(dashboardFiles.sort()).toEqual(Object.keys(built).sort());
    for (const [file, dashboard] of Object.entries(built)) {
      expect(readFileSync(join(dashboardDir, file), 'utf8'), `${file}: run build-dashboards.ts`).toBe(
        serialize(dashboard),
      );
    }
  });

  it('have unique uids, and panels with unique ids inside the 24-column grid', () => {
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
    for (const { file, json } of dashboards) {
      const panels = panelsOf(json);
      expect(panels.length, file).toBeGreaterThan(3);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
      for (const panel of panels) {
        const grid = panel.gridPos as { x: number; w: number };
        expect(grid.x + grid.w, `${file}: ${panel.title}`).toBeLessThanOrEqual(24);
      }
    }
  });

  it('read only metrics from docs/METRICS.md, recording rules, or Prometheus itself', () => {
    for (const { file, json } of dashboards) {
      const unknown = [...exprsOf(json), ...variableMetricsOf(json)].flatMap(unknownNames);
      expect(unknown, file).toEqual([]);
    }
  });

  it('query the provisioned Prometheus datasource by uid', () => {
    for (const { file, json } of dashboards) {
      for (const panel of panelsOf(json).filter((p) => p.type !== 'row')) {
        const uids = [panel, ...targetsOf(panel)].map((x) => (x.datasource as Json).uid);
        expect(new Set(uids), `${file}: ${panel.title}`).toEqual(new Set(['prometheus']));
      }
    }
  });

  it('show exemplars on every latency percentile panel, so a point links to its trace', () => {
    for (const { file, json } of dashboards) {
      const latencyPanels = panelsOf(json).filter(
        (p) =>
          p.type === 'timeseries' &&
          targetsOf(p).some((t) => /histogram_quantile\(.*_seconds_bucket/.test(String(t.expr))),
      );
      for (const panel of latencyPanels) {
        expect(
          targetsOf(panel).some((t) => t.exemplar === true),
          `${file}: ${panel.title}`,
        ).toBe(true);
      }
    }
  });

  it('together with the rules, read every aira_* metric of the contract', () => {
    const read = new Set(
      [
        ...dashboards.flatMap(({ json }) => [...exprsOf(json), ...variableMetricsOf(json)]),
        ...rules.map((r) => r.expr),
      ]
        .flatMap(metricNamesIn)
        .map((name) => (contract.metrics.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''))),
    );
    const unread = [...contract.metrics.keys()].filter((name) => name.startsWith('aira_') && !read.has(name));
    expect(unread).toEqual([]);
  });
});

describe('Prometheus rules', () => {
  it.each(alerts.map((a) => [a.alert, a] as const))(
    '%s has a severity, summary, description and runbook',
    (_, alert) => {
      expect(['critical', 'warning']).toContain(alert.labels?.severity);
      for (const key of ['summary', 'description', 'runbook']) {
        expect(alert.annotations?.[key]?.trim().length ?? 0, key).toBeGreaterThan(10);
      }
    },
  );

  it('read only contract metrics and recording rules, named level:metric:operations', () => {
    for (const rule of rules) expect(unknownNames(rule.expr), rule.alert ?? rule.record).toEqual([]);
    for (const name of recordNames) expect(name).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  const threshold = (name: string) => {
    const expr = alerts.find((a) => a.alert === name)?.expr ?? '';
    return Number(/>\s*([\d.]+)\s*$/.exec(expr.trim())?.[1]);
  };

  it('use the scaling numbers of shared/scaling/fleets.config.ts', () => {
    expect(threshold('AiraChatQueueAgeOverSlo')).toBe(fleets.chat.queueAgeSloSeconds);
    expect(threshold('AiraWriterQueueAgeOverSlo')).toBe(fleets.writer.queueAgeSloSeconds);
    expect(threshold('AiraChatBacklogHigh')).toBe(fleets.chat.max * fleets.chat.targetBacklogPerWorker);
  });

  it('page on the SRE workbook burn rates: 14.4 over 1h and 5m, 6 over 6h and 30m', () => {
    const expr = (name: string) => (alerts.find((a) => a.alert === name)?.expr ?? '').replace(/\s+/g, ' ');
    expect(expr('AiraReplyTtftBudgetFastBurn')).toContain('ratio_rate1h > (14.4 * 0.01) and');
    expect(expr('AiraReplyTtftBudgetFastBurn')).toContain('ratio_rate5m > (14.4 * 0.01)');
    expect(expr('AiraReplyTtftBudgetSlowBurn')).toContain('ratio_rate6h > (6 * 0.01) and');
    expect(expr('AiraReplyTtftBudgetSlowBurn')).toContain('ratio_rate30m > (6 * 0.01)');
  });

  it('have promtool unit tests: every alert firing and not firing, every recording rule', () => {
    const cases = ruleTests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} firing`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} not firing`,
      ).toBe(true);
    }
    const exprs = ruleTests.flatMap((t) => t.promql_expr_test ?? []).map((t) => t.expr);
    for (const record of recordNames) {
      expect(
        exprs.some((expr) => metricNamesIn(expr).includes(record)),
        record,
      ).toBe(true);
    }
  });
});

const promtool = spawnSync('promtool', ['--version']).status === 0;
const inCi = process.env.CI === 'true';

// promtool is optional on a developer's machine, required in CI (Debian package `prometheus`).
describe.skipIf(!promtool && !inCi)('promtool', () => {
  const run = (...args: string[]) => {
    const result = spawnSync('promtool', args, { cwd: here, encoding: 'utf8' });
    if (result.error)
      throw new Error(`promtool not runnable (apt-get install prometheus): ${result.error.message}`);
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const expectOk = (...args: string[]) => {
    const { status, output } = run(...args);
    expect(status, output).toBe(0);
    return output;
  };
  const scratch = mkdtempSync(join(tmpdir(), 'aira-observability-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('accepts both Prometheus configs', () => {
    expect(expectOk('check', 'config', 'prometheus/prometheus.yml')).toContain('SUCCESS: 1 rule files found');
    expect(expectOk('check', 'config', 'prometheus/prometheus.compose.yml')).toContain(
      'SUCCESS: 1 rule files found',
    );
  });

  it('accepts the rules', () => {
    expect(expectOk('check', 'rules', 'prometheus/rules/aira.rules.yml')).toContain(
      `SUCCESS: ${rules.length} rules`,
    );
  });

  it('passes the rule unit tests', { timeout: 60_000 }, () => {
    const output = expectOk('test', 'rules', ...ruleTestFiles.map((f) => `prometheus/tests/${f}`));
    expect(output).not.toContain('FAILED');
  });

  it('parses every dashboard expression as PromQL', () => {
    const exprs = dashboards.flatMap(({ json }) => exprsOf(json));
    const asRules = exprs.map((expr, i) => ({
      record: `dashboard:expr:${i}`,
      expr: expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h'),
    }));
    const file = join(scratch, 'dashboards.rules.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules: asRules }] }));
    expect(expectOk('check', 'rules', file)).toContain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('fails a rule test whose alert does not fire', () => {
    const broken = read('prometheus/rules/aira.rules.yml').replace('> 2048', '> 100000');
    writeFileSync(join(scratch, 'broken.rules.yml'), broken);
    const tests = read('prometheus/tests/queues.test.yml').replace(
      '../rules/aira.rules.yml',
      join(scratch, 'broken.rules.yml'),
    );
    writeFileSync(join(scratch, 'queues.test.yml'), tests);
    const { status, output } = run('test', 'rules', join(scratch, 'queues.test.yml'));
    expect(status).not.toBe(0);
    expect(output).toContain('alertname: AiraChatBacklogHigh');
  });
});
