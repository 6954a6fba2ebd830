/** Reading services' Prometheus /metrics from a benchmark. */

export async function scrape(url: string): Promise<string> {
  try {
    return await (await fetch(url)).text();
  } catch {
    return '';
  }
}

/** Sum of every sample of `name` (all label sets) whose labels include `match`, across the texts given. */
function total(text: string, name: string, match: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(match)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Mean of each `aira_reply_hop_seconds` hop between two scrapes (concatenated scrapes add up). */
export function hopMeans(before: string, after: string): Record<string, number> {
  const hops = new Set(
    [...after.matchAll(/aira_reply_hop_seconds_count\{[^}]*hop="([^"]+)"/g)].map((m) => m[1]!),
  );
  const means: Record<string, number> = {};
  for (const hop of hops) {
    const label = `hop="${hop}"`;
    const count =
      total(after, 'aira_reply_hop_seconds_count', label) -
      total(before, 'aira_reply_hop_seconds_count', label);
    const sum =
      total(after, 'aira_reply_hop_seconds_sum', label) - total(before, 'aira_reply_hop_seconds_sum', label);
    means[hop] = count > 0 ? sum / count : Number.NaN;
  }
  return means;
}

/** The q-quantile of a histogram between two scrapes, from its cumulative buckets (upper bound of the bucket). */
export function histogramQuantile(before: string, after: string, name: string, q: number): number {
  const buckets = (text: string) =>
    new Map(
      [...text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)`, 'gm'))].map((m) => [
        m[1]!,
        Number(m[2]),
      ]),
    );
  const a = buckets(before);
  const b = buckets(after);
  const rows = [...b].map(([le, n]) => ({ le: Number(le), n: n - (a.get(le) ?? 0) }));
  rows.sort((x, y) => x.le - y.le);
  const total = rows.at(-1)?.n ?? 0;
  return rows.find((r) => r.n >= q * total)?.le ?? Number.NaN;
}
