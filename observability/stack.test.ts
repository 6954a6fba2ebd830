import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The compose stack cannot be started here (no Docker engine); these tests check that its
// files agree with each other: mounts, ports, datasource uids, pipeline wiring.

const here = import.meta.dirname;
const readYaml = <T>(path: string) => parse(readFileSync(join(here, path), 'utf8')) as T;

interface ComposeService {
  image: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}
const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** A service's bind mounts as [host path, container path]; named volumes are left out. */
const bindMounts = (name: string) =>
  (service(name).volumes ?? [])
    // source:target[:mode], where the source may be ${VAR:-default} (which has a colon itself)
    .map((volume) => /^(\$\{[^}]*\}|[^:]+):([^:]+)/.exec(volume) ?? [])
    .filter(([, source]) => source?.startsWith('.') || source?.startsWith('$'))
    .map(([, source, target]) => [source!, target!] as const);
const mountedAt = (name: string, target: string) =>
  bindMounts(name).find(([, mounted]) => mounted === target)?.[0];

interface ScrapeConfig {
  job_name: string;
  file_sd_configs?: { files: string[] }[];
  static_configs?: { targets: string[] }[];
  relabel_configs?: { source_labels: string[]; regex: string; target_label: string; replacement: string }[];
}
const scrapeConfigs = (file: string) => readYaml<{ scrape_configs: ScrapeConfig[] }>(file).scrape_configs;
const job = (file: string, name: string) => scrapeConfigs(file).find((c) => c.job_name === name);

describe('docker-compose.yml', () => {
  it('runs Prometheus, Grafana, Tempo and the collector from pinned images', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'grafana',
      'otel-collector',
      'prometheus',
      'tempo',
    ]);
    for (const { image } of Object.values(compose.services)) expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
  });

  it('mounts only files and folders that exist in observability/', () => {
    for (const name of Object.keys(compose.services)) {
      for (const [source] of bindMounts(name).filter(([source]) => source.startsWith('./'))) {
        expect(existsSync(join(here, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('starts Prometheus on the compose config with exemplar storage', () => {
    const command = service('prometheus').command ?? [];
    expect(command).toContain('--enable-feature=exemplar-storage');
    const config = command.find((arg) => arg.startsWith('--config.file='))?.split('=')[1] ?? '';
    const configDir = mountedAt('prometheus', '/etc/prometheus/aira');
    expect(configDir).toBe('./prometheus');
    expect(config).toBe('/etc/prometheus/aira/prometheus.compose.yml');
    expect(existsSync(join(here, 'prometheus/prometheus.compose.yml'))).toBe(true);
  });

  it('gives Prometheus the autoscaler target files where its file_sd looks', () => {
    const targets = bindMounts('prometheus').find(([source]) => source.includes('AIRA_TARGETS_DIR'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's variable syntax, not a JS template
    expect(targets?.[0]).toBe('${AIRA_TARGETS_DIR:-../data/prometheus/targets}');
    const files = job('prometheus/prometheus.compose.yml', 'aira-workers')?.file_sd_configs?.[0]?.files;
    expect(files).toEqual([`${targets?.[1]}/*.json`]);
  });

  it('keeps Grafana off the gateway port and loads the provisioned dashboards', () => {
    expect(service('grafana').ports).toEqual(['127.0.0.1:3001:3000']);
    const provider = readYaml<{ providers: { options: { path: string } }[] }>(
      'grafana/provisioning/dashboards/aira.yml',
    ).providers[0];
    expect(mountedAt('grafana', provider?.options.path ?? '')).toBe('./grafana/dashboards');
    const home = service('grafana').environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(existsSync(join(here, 'grafana/dashboards', home.replace(`${provider?.options.path}/`, '')))).toBe(
      true,
    );
  });
});

describe('Prometheus scrape configs', () => {
  it('look for worker target files in the default AIRA_DATA_DIR when run locally', () => {
    const files = job('prometheus/prometheus.yml', 'aira-workers')?.file_sd_configs?.[0]?.files ?? [];
    expect(files.map((file) => resolve(here, 'prometheus', file))).toEqual([
      resolve(here, '../data/prometheus/targets/*.json'),
    ]);
  });

  it('scrape the gateway, the autoscaler and the LLM simulator on their default ports in both layouts', () => {
    for (const file of ['prometheus/prometheus.yml', 'prometheus/prometheus.compose.yml']) {
      const jobs = scrapeConfigs(file).map((c) => c.job_name);
      expect(jobs).toEqual(
        expect.arrayContaining(['aira-gateway', 'aira-autoscaler', 'aira-workers', 'llm-sim']),
      );
      expect(readFileSync(join(here, file), 'utf8')).toMatch(/:3000["']\]/);
      expect(readFileSync(join(here, file), 'utf8')).toMatch(/:3100["']\]/);
      expect(job(file, 'llm-sim')?.static_configs?.[0]?.targets?.[0]).toMatch(/:8090$/);
    }
  });

  it('point loopback worker targets at the Docker host inside compose, and leave others alone', () => {
    const relabel = job('prometheus/prometheus.compose.yml', 'aira-workers')?.relabel_configs?.[0];
    expect(relabel?.target_label).toBe('__address__');
    // Prometheus anchors relabel regexes at both ends.
    const regex = new RegExp(`^(?:${relabel?.regex})$`);
    const rewrite = (address: string) =>
      regex.test(address) ? address.replace(regex, relabel!.replacement.replace('$1', '$$1')) : address;
    expect(rewrite('127.0.0.1:9401')).toBe('host.docker.internal:9401');
    expect(rewrite('localhost:9402')).toBe('host.docker.internal:9402');
    expect(rewrite('10.0.3.7:9401')).toBe('10.0.3.7:9401');
  });
});

describe('traces: collector → Tempo → Grafana', () => {
  interface Collector {
    receivers: Record<string, { protocols: Record<string, { endpoint: string }> }>;
    processors: Record<string, unknown>;
    exporters: Record<string, { endpoint: string }>;
    service: {
      pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
    };
  }
  const collector = readYaml<Collector>('otel-collector/otel-collector.yaml');

  it('wires every pipeline to components the collector defines', () => {
    for (const [name, pipeline] of Object.entries(collector.service.pipelines)) {
      for (const receiver of pipeline.receivers) expect(collector.receivers, name).toHaveProperty([receiver]);
      for (const processor of pipeline.processors)
        expect(collector.processors, name).toHaveProperty([processor]);
      for (const exporter of pipeline.exporters) expect(collector.exporters, name).toHaveProperty([exporter]);
    }
    expect(collector.service.pipelines.traces?.processors.at(-1)).toBe('batch');
  });

  it('listens for OTLP on all interfaces (inside a container) and publishes 4317/4318', () => {
    const otlp = collector.receivers.otlp?.protocols;
    expect(otlp?.grpc?.endpoint).toBe('0.0.0.0:4317');
    expect(otlp?.http?.endpoint).toBe('0.0.0.0:4318');
    expect(service('otel-collector').ports).toEqual(['127.0.0.1:4317:4317', '127.0.0.1:4318:4318']);
  });

  it('sends traces to the OTLP gRPC port Tempo listens on', () => {
    const tempo = readYaml<{
      distributor: { receivers: { otlp: { protocols: { grpc: { endpoint: string } } } } };
      server: { http_listen_port: number };
    }>('tempo/tempo.yaml');
    const exporters = collector.service.pipelines.traces?.exporters ?? [];
    const port = tempo.distributor.receivers.otlp.protocols.grpc.endpoint.split(':')[1];
    expect(exporters.map((e) => collector.exporters[e]?.endpoint)).toContain(`tempo:${port}`);
    expect(tempo.server.http_listen_port).toBe(3200);
  });

  it('links Prometheus exemplars (label trace_id) to the Tempo datasource the dashboards expect', () => {
    interface Datasource {
      uid: string;
      type: string;
      url: string;
      jsonData: { exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[] };
    }
    const { datasources } = readYaml<{ datasources: Datasource[] }>(
      'grafana/provisioning/datasources/aira.yml',
    );
    const byUid = Object.fromEntries(datasources.map((d) => [d.uid, d]));
    expect(byUid.prometheus?.type).toBe('prometheus');
    expect(byUid.tempo?.type).toBe('tempo');
    expect(byUid.tempo?.url).toBe('http://tempo:3200');
    expect(byUid.prometheus?.jsonData.exemplarTraceIdDestinations).toEqual([
      { name: 'trace_id', datasourceUid: 'tempo' },
    ]);
    const dashboards = readdirSync(join(here, 'grafana/dashboards'));
    for (const file of dashboards) {
      const uids = readFileSync(join(here, 'grafana/dashboards', file), 'utf8').matchAll(/"uid": "([^"]+)"/g);
      const datasourceUids = [...uids].map((m) => m[1]).filter((uid) => !uid?.startsWith('aira-'));
      for (const uid of datasourceUids) expect(['prometheus', '-- Grafana --'], file).toContain(uid);
    }
  });
});
