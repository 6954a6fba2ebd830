import type { Localized } from '../personas/persona';

/**
 * The dimensions the survey measures. A score runs from -1 (the `low` pole) to 1 (the `high`
 * pole). Axis ids are stored with results and persona prototypes: never rename one.
 */
export const axisIds = ['tone', 'depth', 'warmth', 'pace'] as const;
export type AxisId = (typeof axisIds)[number];

export interface Axis {
  readonly id: AxisId;
  readonly name: Localized;
  /** The pole at -1, worded to read after "more" / "더 … 쪽으로". */
  readonly low: Localized;
  /** The pole at +1, worded the same way. */
  readonly high: Localized;
}

export const axes: Readonly<Record<AxisId, Axis>> = {
  tone: {
    id: 'tone',
    name: { ko: '말투', en: 'Tone' },
    low: { ko: '격식 있는', en: 'formal' },
    high: { ko: '유쾌한', en: 'playful' },
  },
  depth: {
    id: 'depth',
    name: { ko: '깊이', en: 'Depth' },
    low: { ko: '간결한', en: 'concise' },
    high: { ko: '깊이 있는', en: 'in-depth' },
  },
  warmth: {
    id: 'warmth',
    name: { ko: '공감', en: 'Warmth' },
    low: { ko: '분석적인', en: 'analytical' },
    high: { ko: '공감하는', en: 'empathetic' },
  },
  pace: {
    id: 'pace',
    name: { ko: '리듬', en: 'Pace' },
    low: { ko: '차분한', en: 'calm' },
    high: { ko: '활기찬', en: 'energetic' },
  },
};
