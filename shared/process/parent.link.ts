import type { ParentChannel } from '../scaling/supervision';

/**
 * Ties this process's life to whoever started it. Aira's spawners (the npm start launcher, the
 * autoscaler, the test harness) open an IPC channel to every child (shared/process/spawn.process.ts);
 * the channel closes when the parent exits, however it exits — SIGKILL included, where no exit
 * handler of its own runs. Calls `onGone` once then; does nothing for a process started without a
 * channel (by hand, by ECS, by Docker). Returns whether there is a parent to follow.
 */
export function followParent(onGone: () => void, parent: ParentChannel = process): boolean {
  if (!parent.channel) return false;
  let gone = false;
  parent.on('disconnect', () => {
    if (gone) return;
    gone = true;
    onGone();
  });
  // The link alone does not keep a process alive: a finished task still exits.
  parent.channel.unref();
  return true;
}

/**
 * Keeps a process whose output is gone working: once whoever read its stdout is gone (or its
 * terminal closed), every write fails (EPIPE, EIO), and an unhandled stream error would end the
 * process at once, skipping its shutdown path. Output goes nowhere from then on.
 */
export function tolerateClosedOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', () => {
      stream.write = (() => true) as typeof stream.write;
    });
  }
}
