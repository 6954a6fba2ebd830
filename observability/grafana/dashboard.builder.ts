/**
 * A small builder for Grafana dashboard JSON (schema 39, Grafana 11): panels are laid out left to
 * right in a 24-column grid and numbered in order, so ids are unique and layout needs no manual
 * coordinates. Only what Aira's dashboards use is modelled.
 */

/** Datasource uids are fixed by grafana/provisioning/datasources/aira.yml. */
export const prometheus = { type: 'prometheus', uid: 'prometheus' } as const;

export interface Query {
  expr: string;
  legend?: string;
  /** Ask Prometheus for exemplars (trace_id) so a point links to its trace in Tempo. */
  exemplar?: boolean;
  /** One value per series at the end of the range (tables, stats over the range). */
  instant?: boolean;
}

export interface Threshold {
  value: number | null;
  color: string;
}

interface PanelBase {
  title: string;
  description: string;
  queries: Query[];
  unit?: string;
  width?: number;
  height?: number;
}

export interface TimeseriesSpec extends PanelBase {
  kind: 'timeseries';
  stack?: boolean;
  min?: number;
  /** Drawn as dashed lines: SLOs, alert thresholds. */
  thresholds?: Threshold[];
  /** Series (by legend) drawn as an unstacked dashed line on a stacked panel. */
  lines?: string[];
}

export interface StatSpec extends PanelBase {
  kind: 'stat';
  thresholds: Threshold[];
  decimals?: number;
}

export interface TableSpec extends PanelBase {
  kind: 'table';
  /** Column title and unit for each query's value, in query order. */
  columns: { title: string; unit: string }[];
}

export interface RowSpec {
  kind: 'row';
  title: string;
}

export type PanelSpec = TimeseriesSpec | StatSpec | TableSpec;
export type Item = PanelSpec | RowSpec;

export interface Variable {
  name: string;
  label: string;
  /** label_values(<metric>, <label>) */
  metric: string;
  labelName: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  items: Item[];
  variables?: Variable[];
}

export type Json = Record<string, unknown>;

/** Threshold steps: the first one (value null) is the base colour below every other step. */
export const green = (value: number | null = null): Threshold => ({ value, color: 'green' });
export const orange = (value: number | null = null): Threshold => ({ value, color: 'orange' });
export const red = (value: number | null = null): Threshold => ({ value, color: 'red' });

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(queries: Query[], table = false): Json[] {
  return queries.map((query, index) => ({
    refId: refIds[index],
    datasource: prometheus,
    editorMode: 'code',
    expr: query.expr,
    legendFormat: query.legend ?? '__auto',
    range: !query.instant,
    instant: query.instant ?? false,
    exemplar: query.exemplar ?? false,
    ...(table ? { format: 'table' } : {}),
  }));
}

function thresholdSteps(thresholds: Threshold[] | undefined): Json {
  return { mode: 'absolute', steps: thresholds ?? [green()] };
}

function timeseries(spec: TimeseriesSpec): Json {
  const overrides = (spec.lines ?? []).map((name) => ({
    matcher: { id: 'byName', options: name },
    properties: [
      { id: 'custom.stacking', value: { mode: 'none', group: 'A' } },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'color', value: { mode: 'fixed', fixedColor: 'text' } },
    ],
  }));
  return {
    type: 'timeseries',
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        ...(spec.min === undefined ? {} : { min: spec.min }),
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: spec.stack ? 60 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
          thresholdsStyle: { mode: spec.thresholds ? 'dashed' : 'off' },
        },
        thresholds: thresholdSteps(spec.thresholds),
      },
      overrides,
    },
    options: {
      legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    targets: targets(spec.queries),
  };
}

function stat(spec: StatSpec): Json {
  return {
    type: 'stat',
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
        color: { mode: 'thresholds' },
        thresholds: thresholdSteps(spec.thresholds),
      },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: 'area',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
    targets: targets(spec.queries),
  };
}

function table(spec: TableSpec): Json {
  const valueName = (index: number) => (spec.queries.length > 1 ? `Value #${refIds[index]}` : 'Value');
  return {
    type: 'table',
    fieldConfig: {
      defaults: { custom: { align: 'auto', filterable: true } },
      overrides: spec.columns.map((column) => ({
        matcher: { id: 'byName', options: column.title },
        properties: [{ id: 'unit', value: column.unit }],
      })),
    },
    options: {
      showHeader: true,
      cellHeight: 'sm',
      sortBy: [{ displayName: spec.columns[0]?.title, desc: true }],
    },
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: Object.fromEntries(spec.columns.map((column, i) => [valueName(i), column.title])),
        },
      },
    ],
    targets: targets(spec.queries, true),
  };
}

function render(spec: PanelSpec): Json {
  switch (spec.kind) {
    case 'timeseries':
      return timeseries(spec);
    case 'stat':
      return stat(spec);
    case 'table':
      return table(spec);
  }
}

function variable(spec: Variable): Json {
  const definition = `label_values(${spec.metric}, ${spec.labelName})`;
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    datasource: prometheus,
    definition,
    query: { query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
  };
}

/** Firing Aira alerts are marked on every time series panel. */
const annotations = {
  list: [
    {
      builtIn: 1,
      datasource: { type: 'grafana', uid: '-- Grafana --' },
      enable: true,
      hide: true,
      iconColor: 'rgba(0, 211, 255, 1)',
      name: 'Annotations & Alerts',
      type: 'dashboard',
    },
    {
      datasource: prometheus,
      enable: true,
      iconColor: 'red',
      name: 'Aira alerts firing',
      expr: 'ALERTS{alertstate="firing", alertname=~"Aira.+"}',
      step: '60s',
      titleFormat: '{{alertname}}',
      textFormat: '{{severity}} {{queue}}{{fleet}}',
      useValueForTime: false,
    },
  ],
};

export function dashboard(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const newLine = () => {
    y += rowHeight;
    x = 0;
    rowHeight = 0;
  };
  for (const item of spec.items) {
    const id = panels.length + 1;
    if (item.kind === 'row') {
      newLine();
      panels.push({
        id,
        type: 'row',
        title: item.title,
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y },
      });
      rowHeight = 1;
      newLine();
      continue;
    }
    const w = item.width ?? 12;
    const h = item.height ?? 8;
    if (x + w > 24) newLine();
    panels.push({
      id,
      title: item.title,
      description: item.description,
      datasource: prometheus,
      gridPos: { h, w, x, y },
      ...render(item),
    });
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }
  return {
    id: null,
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['aira'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    timezone: 'browser',
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    links: [
      {
        type: 'dashboards',
        title: 'Aira',
        tags: ['aira'],
        asDropdown: true,
        keepTime: true,
        includeVars: false,
      },
    ],
    annotations,
    templating: { list: (spec.variables ?? []).map(variable) },
    panels,
  };
}

/** `histogram_quantile` over a rate of `<metric>_bucket`, grouped by `by` (besides `le`). */
export function histogramQuantile(
  q: number,
  metric: string,
  options: { by?: string; selector?: string; window?: string } = {},
): string {
  const by = options.by ? `${options.by}, le` : 'le';
  const window = options.window ?? '$__rate_interval';
  return `histogram_quantile(${q}, sum by (${by}) (rate(${metric}_bucket${options.selector ?? ''}[${window}])))`;
}

/** Mean of a histogram over the rate window: rate of `_sum` over rate of `_count`. */
export function histogramMean(metric: string, options: { by?: string; selector?: string } = {}): string {
  const sum = options.by ? `sum by (${options.by})` : 'sum';
  const selector = options.selector ?? '';
  return `${sum} (rate(${metric}_sum${selector}[$__rate_interval])) / ${sum} (rate(${metric}_count${selector}[$__rate_interval]))`;
}
