/**
 * Keeps one FIFO group's batches from running at once inside a writer process that has several
 * receivers: a batch holding a group that another batch is still writing waits for it. SQS holds a
 * group back while a message of it is in flight, so in AWS this never waits; the local emulator
 * does not, and two receivers could otherwise write one user's messages side by side.
 */
export function createGroupGate() {
  const running = new Map<string, Promise<unknown>>();
  return async function through<T>(groups: Iterable<string>, run: () => Promise<T>): Promise<T> {
    const mine = [...new Set(groups)];
    const before = mine.flatMap((g) => {
      const p = running.get(g);
      return p ? [p.catch(() => undefined)] : [];
    });
    const done = Promise.all(before).then(run);
    for (const g of mine) running.set(g, done);
    try {
      return await done;
    } finally {
      for (const g of mine) if (running.get(g) === done) running.delete(g);
    }
  };
}

export type GroupGate = ReturnType<typeof createGroupGate>;
