import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/telemetry/logger';

/** The Prometheus file-SD document for a fleet: one target group labelled with the fleet. */
export function targetGroups(fleet: string, metricsUrls: readonly string[]) {
  const targets = [...new Set(metricsUrls.map((url) => new URL(url).host))].sort();
  return [{ targets, labels: { fleet } }];
}

/**
 * Keeps `<dir>/<fleet>.json` naming the fleet's running workers, for Prometheus file-based service
 * discovery. Each write goes to a temporary file renamed over the old one, so Prometheus never
 * reads half a file; writes of one fleet are queued so an older list never lands last.
 */
export function createTargetsWriter(deps: { dir: string; log: Logger }) {
  const written = new Map<string, string>();
  const queues = new Map<string, Promise<void>>();

  async function write(fleet: string, body: string) {
    const file = join(deps.dir, `${fleet}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    await mkdir(deps.dir, { recursive: true });
    await writeFile(temp, body);
    await rename(temp, file);
  }

  return {
    /** Writes the fleet's file if its targets changed; resolves once it is on disk. */
    update(fleet: string, metricsUrls: readonly string[]): Promise<void> {
      const body = `${JSON.stringify(targetGroups(fleet, metricsUrls))}\n`;
      if (written.get(fleet) === body) return queues.get(fleet) ?? Promise.resolve();
      written.set(fleet, body);
      const next = (queues.get(fleet) ?? Promise.resolve())
        .then(() => write(fleet, body))
        .catch((error: unknown) => {
          written.delete(fleet);
          deps.log.error({ err: error, fleet, dir: deps.dir }, 'writing the Prometheus targets file failed');
        });
      queues.set(fleet, next);
      return next;
    },
  };
}

export type TargetsWriter = ReturnType<typeof createTargetsWriter>;
