import { h, svg } from '../app/dom';

export interface AxisScore {
  axis: string;
  label: string;
  /** In [-1, 1]; values outside are clamped for drawing only. */
  value: number;
  valueText: string;
  /** The words for the two ends, e.g. 차분한 (−1) and 활기찬 (+1). */
  low: string;
  high: string;
  /** Which way the value leans, in words ("차분한 쪽"). */
  leaning: string;
}

const BAR_WIDTH = 200;
const BAR_HEIGHT = 12;

/**
 * One row per axis: its name, value and leaning as text (real text, so it wraps and stays
 * readable on a phone), a diverging bar around the middle, and both ends named under the bar.
 * The bar is SVG with attributes only: inline styles would break the Content-Security-Policy.
 */
export function renderAxesChart(scores: AxisScore[], title: string): HTMLUListElement {
  return h(
    'ul',
    { class: 'axes-chart', 'aria-label': title, 'data-testid': 'axes-chart' },
    scores.map((score) => {
      const clamped = Math.max(-1, Math.min(1, Number.isFinite(score.value) ? score.value : 0));
      const length = (Math.abs(clamped) * BAR_WIDTH) / 2;
      const zero = BAR_WIDTH / 2;
      return h(
        'li',
        { class: 'axis', 'data-axis': score.axis },
        h(
          'p',
          { class: 'axis-head' },
          h('span', { class: 'axis-label' }, score.label),
          ' ',
          h('span', { class: 'axis-value' }, score.valueText),
          ' ',
          h('span', { class: 'axis-leaning' }, score.leaning),
        ),
        svg(
          'svg',
          {
            class: 'axis-svg',
            viewBox: `0 0 ${BAR_WIDTH} ${BAR_HEIGHT}`,
            preserveAspectRatio: 'none',
            'aria-hidden': 'true',
            focusable: 'false',
          },
          svg('rect', { class: 'axis-track', x: 0, y: 0, width: BAR_WIDTH, height: BAR_HEIGHT, rx: 3 }),
          svg('rect', {
            class: clamped >= 0 ? 'axis-bar axis-bar-positive' : 'axis-bar axis-bar-negative',
            x: clamped >= 0 ? zero : zero - length,
            y: 0,
            width: Math.max(length, 1),
            height: BAR_HEIGHT,
            rx: 3,
            'data-value': clamped,
          }),
          svg('line', { class: 'axis-zero', x1: zero, x2: zero, y1: 0, y2: BAR_HEIGHT }),
        ),
        h(
          'p',
          { class: 'axis-ends', 'data-testid': 'axis-ends' },
          h('span', { class: 'axis-low' }, `− ${score.low}`),
          h('span', { class: 'visually-hidden' }, ' ↔ '),
          h('span', { class: 'axis-high' }, `${score.high} +`),
        ),
      );
    }),
  );
}

/** `warmth` → `Warmth`, `self_disclosure` → `Self disclosure`: axis names are codes, not prose. */
export function axisLabel(axis: string): string {
  const words = axis
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}
