import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/** Whether Debian's `prometheus` server binary is on PATH. */
export const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;

export interface ScrapeTarget {
  job: string;
  /** The /metrics URL. */
  url: string;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/**
 * A real Prometheus server scraping `targets` every second, for tests that check what Prometheus
 * makes of Aira's /metrics (OpenMetrics, with exemplars), queried through its HTTP API.
 */
export async function startPrometheus(targets: ScrapeTarget[]) {
  const dir = mkdtempSync(join(tmpdir(), 'aira-prom-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms' },
    scrape_configs: targets.map((t) => {
      const url = new URL(t.url);
      return { job_name: t.job, metrics_path: url.pathname, static_configs: [{ targets: [url.host] }] };
    }),
  };
  // JSON is YAML.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
    const ready = await fetch(`${base}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    /** An instant PromQL query; each sample's value as a number. */
    async query(expr: string): Promise<PromSample[]> {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    /** The value of a query that yields one sample, 0 when it yields none. */
    async scalar(expr: string): Promise<number> {
      const [first] = await this.query(expr);
      return first?.value ?? 0;
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
