/**
 * Reads an arrival trace: CSV with the header `time_s,arrivals`, one row per second in increasing
 * order; seconds left out had no arrivals. Returns arrivals per 1 s tick from 0.
 */
export function parseTrace(csv: string, source: string): number[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines[0]?.replace(/\s/g, '') !== 'time_s,arrivals') {
    throw new Error(`${source}: the first line must be "time_s,arrivals", got "${lines[0] ?? ''}"`);
  }
  const arrivals: number[] = [];
  let last = -1;
  for (let i = 1; i < lines.length; i++) {
    const [timeText, countText, extra] = lines[i]!.split(',').map((cell) => cell.trim());
    const time = Number(timeText);
    const count = Number(countText);
    if (extra !== undefined || !Number.isInteger(time) || !Number.isInteger(count) || count < 0) {
      throw new Error(`${source}: row ${i + 1} "${lines[i]}" is not "<whole second>,<arrivals ≥ 0>"`);
    }
    if (time <= last) throw new Error(`${source}: row ${i + 1} goes back in time (${time} after ${last})`);
    while (arrivals.length < time) arrivals.push(0);
    arrivals.push(count);
    last = time;
  }
  if (arrivals.length === 0) throw new Error(`${source}: the trace has no rows`);
  return arrivals;
}

export function formatTrace(arrivals: readonly number[]): string {
  return `time_s,arrivals\n${arrivals.map((n, t) => `${t},${n}`).join('\n')}\n`;
}
