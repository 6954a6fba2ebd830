/**
 * A loopback TCP proxy that injects network faults between Aira and a dependency (MariaDB,
 * Redis): a partition that holds every byte, answers lost on the way back, a cut that drops every
 * connection and refuses new ones, and added latency. Closing either side closes the other, as a real network would.
 */

import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export type ProxyMode = 'open' | 'paused' | 'deaf' | 'cut';

export interface FaultProxy {
  /** `target` with its host and port replaced by the proxy's. */
  url(target: string): string;
  readonly port: number;
  readonly mode: ProxyMode;
  /** Holds traffic both ways (connections stay open, nothing passes) until `heal()`. */
  pause(): void;
  /** Passes requests on but drops every answer (the server acts, the client never hears) until `heal()`. */
  deafen(): void;
  /** Destroys every connection and refuses new ones until `heal()`. */
  cut(): void;
  /** Back to normal; held bytes flow on. */
  heal(): void;
  /** Delay added to every chunk in each direction. */
  latencyMs: number;
  readonly stats: { accepted: number; refused: number; dropped: number };
  close(): Promise<void>;
}

interface Pipe {
  client: Socket;
  upstream: Socket;
  held: { to: Socket; chunk: Buffer }[];
}

export async function startFaultProxy(targetHost: string, targetPort: number): Promise<FaultProxy> {
  let mode: ProxyMode = 'open';
  const pipes = new Set<Pipe>();
  const stats = { accepted: 0, refused: 0, dropped: 0 };
  const proxy = { latencyMs: 0 };

  const forward = (pipe: Pipe, to: Socket, chunk: Buffer) => {
    if (mode === 'deaf' && to === pipe.client) return;
    if (mode === 'paused') {
      pipe.held.push({ to, chunk });
      return;
    }
    if (proxy.latencyMs > 0) setTimeout(() => to.destroyed || to.write(chunk), proxy.latencyMs);
    else to.write(chunk);
  };

  const server = createServer((client) => {
    if (mode === 'cut') {
      stats.refused += 1;
      client.destroy();
      return;
    }
    stats.accepted += 1;
    const upstream = connect(targetPort, targetHost);
    const pipe: Pipe = { client, upstream, held: [] };
    pipes.add(pipe);
    const close = () => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => forward(pipe, upstream, chunk));
    upstream.on('data', (chunk) => forward(pipe, client, chunk));
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    url(target) {
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    get mode() {
      return mode;
    },
    get latencyMs() {
      return proxy.latencyMs;
    },
    set latencyMs(ms: number) {
      proxy.latencyMs = ms;
    },
    stats,
    pause() {
      mode = 'paused';
    },
    deafen() {
      mode = 'deaf';
    },
    cut() {
      mode = 'cut';
      for (const pipe of pipes) {
        stats.dropped += 1;
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
      pipes.clear();
    },
    heal() {
      mode = 'open';
      for (const pipe of pipes) {
        for (const { to, chunk } of pipe.held.splice(0)) if (!to.destroyed) to.write(chunk);
      }
    },
    async close() {
      for (const pipe of pipes) {
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
