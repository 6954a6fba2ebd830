/** A soak run's picture: live heap of each service (top) and Redis memory (bottom), in MB over time. */
export interface ChartSeries {
  label: string;
  color: string;
  points: { t: number; bytes: number }[];
}

const W = 640;
const LEFT = 48;
const RIGHT = 12;
const PANEL = 130;
const mb = (bytes: number) => bytes / 2 ** 20;

function panel(top: number, title: string, series: ChartSeries[], seconds: number, warmup: number) {
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => mb(p.bytes)))) * 1.1;
  const x = (t: number) => LEFT + (t / seconds) * (W - LEFT - RIGHT);
  const y = (v: number) => top + PANEL - (v / max) * PANEL;
  const ticks = [0, max / 2, max]
    .map(
      (v) =>
        `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>` +
        `<text x="${LEFT - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v.toFixed(0)}</text>`,
    )
    .join('');
  const lines = series
    .map((s) => {
      const pts = s.points.map((p) => `${x(p.t).toFixed(1)},${y(mb(p.bytes)).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`;
    })
    .join('');
  const legend = series
    .map((s, i) => `<text x="${LEFT + 170 + i * 110}" y="${top - 6}" fill="${s.color}">■ ${s.label}</text>`)
    .join('');
  const warm = `<line x1="${x(warmup).toFixed(1)}" x2="${x(warmup).toFixed(1)}" y1="${top}" y2="${top + PANEL}" stroke="#999" stroke-dasharray="4 3"/>`;
  return `<text x="${LEFT}" y="${top - 6}" font-weight="bold">${title}</text>${legend}${ticks}${warm}${lines}<line x1="${LEFT}" x2="${W - RIGHT}" y1="${top + PANEL}" y2="${top + PANEL}" stroke="#999"/>`;
}

export function soakChart(opts: {
  heaps: ChartSeries[];
  redis: ChartSeries;
  seconds: number;
  warmup: number;
  minutes: number;
}): string {
  const height = 2 * PANEL + 100;
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const t = f * opts.seconds;
      const xPos = LEFT + f * (W - LEFT - RIGHT);
      return `<text x="${xPos.toFixed(1)}" y="${height - 12}" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}" fill="#555">${(t / 60).toFixed(1)} min</text>`;
    })
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="11" role="img">`,
    `<title>Soak: live heap per service and Redis memory, ${opts.minutes} min after a ${opts.warmup} s warm-up</title>`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    panel(28, 'live heap, MB', opts.heaps, opts.seconds, opts.warmup),
    panel(28 + PANEL + 34, 'Redis used memory, MB', [opts.redis], opts.seconds, opts.warmup),
    axis,
    `<text x="${W - RIGHT}" y="14" text-anchor="end" fill="#777">dashed: end of warm-up</text>`,
    '</svg>',
  ].join('');
}
