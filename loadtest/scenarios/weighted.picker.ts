/**
 * Smooth weighted round-robin (as in nginx): over any window of sum(weights) picks each name is
 * chosen exactly `weight` times, evenly spread, so a short run still has the asked-for mix.
 */
export function createWeightedPicker<N extends string>(weights: ReadonlyMap<N, number>): () => N {
  const entries = [...weights].filter(([, w]) => w > 0);
  if (entries.length === 0) throw new Error('weights: at least one weight must be > 0');
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  const current = entries.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < entries.length; i++) {
      current[i]! += entries[i]![1];
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return entries[best]![0];
  };
}
