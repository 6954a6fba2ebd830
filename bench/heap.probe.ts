import { WebSocket } from 'undici';

/**
 * The live heap of a Node process started with `--inspect=127.0.0.1:0`: a full garbage collection
 * through the DevTools protocol, then the heap in use. Unlike a sampled `heapUsed`, this does not
 * depend on when V8 last chose to collect, so two readings a minute apart compare what is really
 * kept alive.
 */
export interface HeapProbe {
  liveHeap(): Promise<number>;
  close(): void;
}

/** Finds the inspector address a service printed (`[name] Debugger listening on ws://…`). */
export function inspectorUrl(output: string, service: string): string | undefined {
  const escaped = service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\[${escaped}\\] Debugger listening on (ws://\\S+)`).exec(output)?.[1];
}

export async function openHeapProbe(url: string): Promise<HeapProbe> {
  const socket = new WebSocket(url);
  await new Promise<void>((ok, fail) => {
    socket.addEventListener('open', () => ok(), { once: true });
    socket.addEventListener('error', () => fail(new Error(`no inspector at ${url}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  socket.addEventListener('message', (event) => {
    const reply = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
    if (reply.id !== undefined) pending.get(reply.id)?.(reply.result ?? {});
    pending.delete(reply.id ?? -1);
  });
  // A service that died or hangs costs a sample, not the run.
  const call = (method: string) =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        fail(new Error(`${method} got no answer from ${url}`));
      }, 10_000);
      pending.set(id, (result) => {
        clearTimeout(timer);
        ok(result);
      });
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    async liveHeap() {
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return Number(usage.usedSize);
    },
    close: () => socket.close(),
  };
}
