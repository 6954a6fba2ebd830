/**
 * Writes the Grafana dashboards as JSON into grafana/dashboards/, where Grafana's file provider
 * (grafana/provisioning/dashboards/aira.yml) loads them. The JSON is committed; run this after
 * changing a *.dashboard.ts file:  npx tsx observability/grafana/build-dashboards.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards, serialize } from './dashboards';

const outputDir = join(import.meta.dirname, 'dashboards');

for (const [file, dashboard] of Object.entries(buildDashboards())) {
  writeFileSync(join(outputDir, file), serialize(dashboard));
  console.log(`wrote ${join('observability/grafana/dashboards', file)}`);
}
