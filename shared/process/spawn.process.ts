import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from './entries';

/**
 * How an Aira process starts a child (the npm start launcher its services, the autoscaler its
 * workers): the command from `entryCommand`, run from the repository root, with
 * - an IPC channel, which closes when this process is gone however it died (SIGKILL included):
 *   the child's runner then stops it (shared/process/parent.link.ts); it also carries a standby's
 *   activation (shared/scaling/supervision.ts);
 * - stdout and stderr piped to this process, which labels each line;
 * - its own process group, so a Ctrl-C in the terminal reaches only this process, which stops its
 *   children in order.
 */
export function spawnChild(
  launch: { command: string; args: string[] },
  env: Record<string, string | undefined>,
): ChildProcess {
  return spawn(launch.command, launch.args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
}
