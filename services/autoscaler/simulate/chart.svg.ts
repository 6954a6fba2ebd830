/** Small inline SVG line charts for the simulation report: no scripts, no external assets. */
export interface ChartOptions {
  readonly title: string;
  readonly values: ArrayLike<number>;
  /** How a pixel column summarises the seconds it covers: the highest value or the mean. */
  readonly aggregate: 'max' | 'mean';
  readonly yMax: number;
  readonly yTicks: readonly number[];
  /** Log scale (log10(1 + v)) for values spanning seconds to hours. */
  readonly log?: boolean;
  readonly color: string;
  readonly reference?: { readonly value: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

const PAD = { left: 38, right: 6, top: 16, bottom: 18 };

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function formatTick(v: number): string {
  if (v >= 1000) return `${Number((v / 1000).toFixed(1))}k`;
  return `${Number(v.toFixed(1))}`;
}

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 320;
  const height = o.height ?? 110;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const scale = (v: number) => (o.log ? Math.log10(1 + Math.max(0, v)) : v);
  const top = scale(o.yMax) || 1;
  const y = (v: number) => PAD.top + plotH - (Math.min(scale(v), top) / top) * plotH;

  const n = o.values.length;
  const columns = Math.max(1, Math.min(plotW, n));
  const points: string[] = [];
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * n) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / columns));
    let acc = o.aggregate === 'max' ? Number.NEGATIVE_INFINITY : 0;
    for (let i = from; i < to; i++) {
      const v = o.values[i]!;
      acc = o.aggregate === 'max' ? Math.max(acc, v) : acc + v;
    }
    const value = o.aggregate === 'max' ? acc : acc / (to - from);
    const x = PAD.left + (columns === 1 ? 0 : (c / (columns - 1)) * plotW);
    points.push(`${x.toFixed(1)},${y(value).toFixed(1)}`);
  }

  const ticks = o.yTicks
    .filter((v) => v <= o.yMax)
    .map(
      (v) =>
        `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>` +
        `<text x="${PAD.left - 3}" y="${(y(v) + 3).toFixed(1)}" class="ytick">${formatTick(v)}</text>`,
    )
    .join('');
  const minutes = n / 60;
  const step = minutes > 90 ? 30 : minutes > 30 ? 15 : 5;
  const xTicks: string[] = [];
  for (let m = 0; m <= minutes; m += step) {
    const x = PAD.left + (n <= 1 ? 0 : ((m * 60) / (n - 1)) * plotW);
    xTicks.push(`<text x="${x.toFixed(1)}" y="${height - 4}" class="xtick">${m}m</text>`);
  }
  const reference = o.reference
    ? `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${y(o.reference.value).toFixed(1)}" y2="${y(o.reference.value).toFixed(1)}" class="ref"/>` +
      `<text x="${width - PAD.right - 2}" y="${(y(o.reference.value) - 3).toFixed(1)}" class="reflabel">${esc(o.reference.label)}</text>`
    : '';

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(o.title)}">` +
    `<text x="${PAD.left}" y="11" class="title">${esc(o.title)}</text>${ticks}${reference}` +
    `<polyline fill="none" stroke="${o.color}" stroke-width="1.2" points="${points.join(' ')}"/>${xTicks.join('')}</svg>`
  );
}
