/**
 * Reads metric names out of PromQL and out of the metric contract in docs/METRICS.md, so the
 * dashboards and rules can be checked against the names Aira's processes actually export.
 */

/** PromQL words that look like metric names but are operators or modifiers. */
const keywords = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'atan2',
]);
const notANumber = new Set(['inf', 'nan']);

/** The metric names (and recording-rule names) an expression reads. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*/g)) {
    const word = match[0];
    const rest = stripped.slice((match.index ?? 0) + word.length);
    if (/^\s*\(/.test(rest)) continue; // a function call
    if (keywords.has(word) || notANumber.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

export interface MetricContract {
  /** Metric name → type (counter, gauge, histogram). */
  metrics: Map<string, string>;
  /** Families named by prefix, like `process_*`. */
  prefixes: string[];
}

/** The table of metrics in docs/METRICS.md: first column the name, second its type. */
export function parseMetricContract(markdown: string): MetricContract {
  const metrics = new Map<string, string>();
  const prefixes: string[] = [];
  for (const line of markdown.split('\n')) {
    const row = /^\|\s*(.+?)\s*\|\s*([a-z]*)\s*\|/.exec(line);
    if (!row) continue;
    for (const named of row[1]!.matchAll(/`([a-zA-Z_:][\w:]*)(\*)?`/g)) {
      if (named[2]) prefixes.push(named[1]!);
      else metrics.set(named[1]!, row[2]!);
    }
  }
  return { metrics, prefixes };
}

const histogramSeries = /^(.+)_(?:bucket|sum|count)$/;

/** Whether `name` is a series some Aira process exports under the contract. */
export function isContractSeries(name: string, contract: MetricContract): boolean {
  if (contract.metrics.has(name)) return contract.metrics.get(name) !== 'histogram';
  const base = histogramSeries.exec(name)?.[1];
  if (base && contract.metrics.get(base) === 'histogram') return true;
  return contract.prefixes.some((prefix) => name.startsWith(prefix));
}
