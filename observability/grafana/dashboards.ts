import type { Dashboard } from './dashboard.builder';
import { httpDashboard } from './http.dashboard';
import { queuesDashboard } from './queues.dashboard';
import { replyHopsDashboard } from './reply-hops.dashboard';
import { sloDashboard } from './slo.dashboard';

/** Every dashboard, by the file name it is committed under in grafana/dashboards/. */
export function buildDashboards(): Record<string, Dashboard> {
  return {
    'aira-slo.json': sloDashboard(),
    'aira-queues.json': queuesDashboard(),
    'aira-reply-hops.json': replyHopsDashboard(),
    'aira-http.json': httpDashboard(),
  };
}

/** The committed form: two-space JSON with a final newline, so diffs stay readable. */
export function serialize(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
