/**
 * Aira's dashboards as short specs, built into Grafana dashboard JSON by Grafana's own
 * foundation SDK (`@grafana/grafana-foundation-sdk`): its typed builders write the panels,
 * queries, variables and layout; this file only decides how Aira's panels look, the same on
 * every dashboard. Panels flow left to right on the 24-column grid and are numbered in order.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as grafana from '@grafana/grafana-foundation-sdk/dashboard';
import * as prom from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Datasource uids are fixed by grafana/provisioning/datasources/aira.yml. */
export const prometheus = { type: 'prometheus', uid: 'prometheus' } as const;

export type Dashboard = grafana.Dashboard;

export interface Query {
  expr: string;
  legend?: string;
  /** Ask Prometheus for exemplars (trace_id) so a point links to its trace in Tempo. */
  exemplar?: boolean;
  /** One value per series at the end of the range (tables, stats over the range). */
  instant?: boolean;
}

/** A threshold step: the first one (value null) is the base colour below every other step. */
export type Threshold = grafana.Threshold;

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

export const green = (value: number | null = null): Threshold => ({ value, color: 'green' });
export const orange = (value: number | null = null): Threshold => ({ value, color: 'orange' });
export const red = (value: number | null = null): Threshold => ({ value, color: 'red' });

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(queries: Query[], format = prom.PromQueryFormat.TimeSeries): prom.DataqueryBuilder[] {
  return queries.map((query, index) => {
    const target = new prom.DataqueryBuilder()
      .refId(refIds[index]!)
      .datasource(prometheus)
      .editorMode(prom.QueryEditorMode.Code)
      .expr(query.expr)
      .legendFormat(query.legend ?? '__auto')
      .exemplar(query.exemplar ?? false)
      .format(format);
    return query.instant ? target.instant() : target.range();
  });
}

const steps = (thresholds: Threshold[] | undefined) =>
  new grafana.ThresholdsConfigBuilder().mode(grafana.ThresholdsMode.Absolute).steps(thresholds ?? [green()]);

const colors = (mode: grafana.FieldColorModeId) => new grafana.FieldColorBuilder().mode(mode);

function timeseriesPanel(spec: TimeseriesSpec) {
  const panel = new timeseries.PanelBuilder()
    .unit(spec.unit ?? 'short')
    .colorScheme(colors(grafana.FieldColorModeId.PaletteClassic))
    .drawStyle(common.GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(spec.stack ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .stacking(
      new common.StackingConfigBuilder()
        .mode(spec.stack ? common.StackingMode.Normal : common.StackingMode.None)
        .group('A'),
    )
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        spec.thresholds ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off,
      ),
    )
    .thresholds(steps(spec.thresholds))
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .targets(targets(spec.queries));
  if (spec.min !== undefined) panel.min(spec.min);
  for (const name of spec.lines ?? []) {
    panel.overrideByName(name, [
      { id: 'custom.stacking', value: { mode: common.StackingMode.None, group: 'A' } },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineStyle', value: new common.LineStyleBuilder().fill('dash').dash([10, 10]).build() },
      { id: 'color', value: colors(grafana.FieldColorModeId.Fixed).fixedColor('text').build() },
    ]);
  }
  return panel;
}

function statPanel(spec: StatSpec) {
  const panel = new stat.PanelBuilder()
    .unit(spec.unit ?? 'short')
    .colorScheme(colors(grafana.FieldColorModeId.Thresholds))
    .thresholds(steps(spec.thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto)
    .textMode(common.BigValueTextMode.Auto)
    .targets(targets(spec.queries));
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

function tablePanel(spec: TableSpec) {
  // One value column per query; Grafana names them `Value #A`, `Value #B`… (or `Value` alone).
  const valueName = (index: number) => (spec.queries.length > 1 ? `Value #${refIds[index]}` : 'Value');
  const panel = new table.PanelBuilder()
    .align(common.FieldTextAlignment.Auto)
    .filterable(true)
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.columns[0]?.title ?? '').desc(true)])
    .transformations([
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: Object.fromEntries(spec.columns.map((column, i) => [valueName(i), column.title])),
        },
      },
    ])
    .targets(targets(spec.queries, prom.PromQueryFormat.Table));
  for (const column of spec.columns) panel.overrideByName(column.title, [{ id: 'unit', value: column.unit }]);
  return panel;
}

function panelBuilder(spec: PanelSpec) {
  switch (spec.kind) {
    case 'timeseries':
      return timeseriesPanel(spec);
    case 'stat':
      return statPanel(spec);
    case 'table':
      return tablePanel(spec);
  }
}

function variable(spec: Variable) {
  const definition = `label_values(${spec.metric}, ${spec.labelName})`;
  return new grafana.QueryVariableBuilder(spec.name)
    .label(spec.label)
    .datasource(prometheus)
    .definition(definition)
    .query({ query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .refresh(grafana.VariableRefresh.OnTimeRangeChanged)
    .sort(grafana.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

/** Grafana's own annotations, and the firing Aira alerts marked on every time series panel. */
const annotations = [
  new grafana.AnnotationQueryBuilder()
    .name('Annotations & Alerts')
    .builtIn(1)
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .enable(true)
    .hide(true)
    .iconColor('rgba(0, 211, 255, 1)')
    .type('dashboard'),
  new grafana.AnnotationQueryBuilder()
    .name('Aira alerts firing')
    .datasource(prometheus)
    .enable(true)
    .iconColor('red')
    .expr('ALERTS{alertstate="firing", alertname=~"Aira.+"}')
    .step('60s')
    .titleFormat('{{alertname}}')
    .textFormat('{{severity}} {{queue}}{{fleet}}')
    .useValueForTime(false),
];

export function dashboard(spec: DashboardSpec): Dashboard {
  const builder = new grafana.DashboardBuilder(spec.title)
    .id(null)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['aira'])
    .editable()
    .tooltip(grafana.DashboardCursorSync.Crosshair)
    .version(1)
    .timezone('browser')
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .link(
      new grafana.DashboardLinkBuilder('Aira')
        .type(grafana.DashboardLinkType.Dashboards)
        .tags(['aira'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false),
    )
    .annotations(annotations)
    .variables((spec.variables ?? []).map(variable));
  spec.items.forEach((item, index) => {
    const id = index + 1;
    if (item.kind === 'row') {
      builder.withRow(new grafana.RowBuilder(item.title).id(id).collapsed(false));
      return;
    }
    builder.withPanel(
      panelBuilder(item)
        .id(id)
        .title(item.title)
        .description(item.description)
        .datasource(prometheus)
        .span(item.width ?? 12)
        .height(item.height ?? 8),
    );
  });
  return builder.build();
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
