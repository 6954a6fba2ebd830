export interface Series {
  readonly name: string;
  /** [x seconds, y]; a null y breaks the line. */
  readonly points: ReadonlyArray<readonly [number, number | null]>;
  readonly dashed?: boolean;
}

export interface ChartSpec {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly Series[];
  readonly width?: number;
  readonly height?: number;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const PAD = { left: 56, right: 16, bottom: 30 };
const LEGEND_ROW = 16;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Rounds up to 1, 2 or 5 × 10^k so the axis has readable ticks. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  const f = value / exp;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * exp;
}

/**
 * A y tick: durations in ms up to a second and in s from there (the whole axis in one unit, so
 * never "1kms"); counts and rates with a k for thousands.
 */
export function tickLabel(v: number, unit: string, axisMax: number): string {
  const short = (n: number) => String(+n.toFixed(2));
  if (unit === 'ms') return axisMax >= 1000 ? `${short(v / 1000)}s` : `${short(v)}ms`;
  return Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : short(v);
}

/** An x tick, seconds since the start: in s, or in minutes once the run passes ten. */
export function timeLabel(seconds: number, axisMax: number): string {
  return axisMax >= 600 ? `${+(seconds / 60).toFixed(1)}m` : `${+seconds.toFixed(1)}s`;
}

/**
 * A self-contained SVG line chart (the title goes in the surrounding figure): no script and no
 * external styles, so the report stays one file.
 */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 220;
  const plotW = width - PAD.left - PAD.right;
  // Legend entries flow left to right and wrap; the plot starts below them.
  const legend: { x: number; y: number }[] = [];
  let lx = PAD.left;
  let row = 0;
  for (const s of spec.series) {
    const w = 30 + s.name.length * 6.5;
    if (lx + w > width - PAD.right && lx > PAD.left) {
      lx = PAD.left;
      row++;
    }
    legend.push({ x: lx, y: 6 + row * LEGEND_ROW });
    lx += w;
  }
  const top = 14 + (row + 1) * LEGEND_ROW;
  const plotH = height - top - PAD.bottom;
  const all = spec.series.flatMap((s) => s.points);
  const ys = all.map(([, y]) => y).filter((y): y is number => y !== null && Number.isFinite(y));
  const maxX = Math.max(1, ...all.map(([x]) => x));
  const maxY = niceCeil(Math.max(0, ...ys));
  const sx = (x: number) => PAD.left + (x / maxX) * plotW;
  const sy = (y: number) => top + plotH - (y / maxY) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}">`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    const y = sy(v).toFixed(1);
    parts.push(`<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${y}" class="ylab">${tickLabel(v, spec.unit, maxY)}</text>`);
  }
  const xStep = niceCeil(maxX / 6);
  for (let x = 0; x <= maxX + 1e-9; x += xStep) {
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${height - 10}" class="xlab">${timeLabel(x, maxX)}</text>`);
  }
  if (ys.length === 0) {
    parts.push(`<text x="${PAD.left + plotW / 2}" y="${top + plotH / 2}" class="nodata">no data</text>`);
  }
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
      pen = true;
    }
    if (d) {
      const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
      parts.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${dash}><title>${escapeXml(s.name)}</title></path>`,
      );
    }
    const at = legend[i]!;
    parts.push(`<rect x="${at.x}" y="${at.y}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text x="${at.x + 14}" y="${at.y + 9}" class="legend">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
