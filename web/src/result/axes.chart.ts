import { svg } from '../app/dom';

export interface AxisScore {
  axis: string;
  label: string;
  /** In [-1, 1]; values outside are clamped for drawing only. */
  value: number;
  valueText: string;
}

const ROW = 30;
const LABEL_WIDTH = 120;
const BAR_WIDTH = 180;
const VALUE_WIDTH = 50;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;

/**
 * Diverging horizontal bars around a zero line, drawn as inline SVG with attributes only
 * (no inline styles, which the Content-Security-Policy forbids); colours come from app.css.
 */
export function renderAxesChart(scores: AxisScore[], title: string): SVGSVGElement {
  const height = scores.length * ROW + 8;
  const zero = LABEL_WIDTH + BAR_WIDTH / 2;
  const chart = svg(
    'svg',
    {
      class: 'axes-chart',
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-label': `${title}: ${scores.map((s) => `${s.label} ${s.valueText}`).join(', ')}`,
      'data-testid': 'axes-chart',
    },
    svg('title', null, title),
  );
  scores.forEach((score, i) => {
    const y = i * ROW + 4;
    const clamped = Math.max(-1, Math.min(1, Number.isFinite(score.value) ? score.value : 0));
    const length = (Math.abs(clamped) * BAR_WIDTH) / 2;
    chart.append(
      svg('rect', {
        class: 'axis-track',
        x: LABEL_WIDTH,
        y: y + 6,
        width: BAR_WIDTH,
        height: ROW - 14,
        rx: 3,
      }),
      svg('rect', {
        class: clamped >= 0 ? 'axis-bar axis-bar-positive' : 'axis-bar axis-bar-negative',
        x: clamped >= 0 ? zero : zero - length,
        y: y + 6,
        width: Math.max(length, 1),
        height: ROW - 14,
        rx: 3,
        'data-axis': score.axis,
        'data-value': clamped,
      }),
      svg(
        'text',
        { class: 'axis-label', x: LABEL_WIDTH - 8, y: y + ROW / 2 + 4, 'text-anchor': 'end' },
        score.label,
      ),
      svg(
        'text',
        { class: 'axis-value', x: WIDTH - 4, y: y + ROW / 2 + 4, 'text-anchor': 'end' },
        score.valueText,
      ),
    );
  });
  chart.append(svg('line', { class: 'axis-zero', x1: zero, x2: zero, y1: 0, y2: height }));
  return chart;
}

/** `warmth` → `Warmth`, `self_disclosure` → `Self disclosure`: axis names are codes, not prose. */
export function axisLabel(axis: string): string {
  const words = axis
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}
