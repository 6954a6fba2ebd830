import { createServer } from 'node:net';
import { ConfigError } from '../../shared/config/config.error';

/** A port the stack will listen on, and the variable that moves it. */
export interface PortClaim {
  readonly port: number;
  readonly host: string;
  readonly variable: string;
}

/** A port the stack needs is in use: the message names it and the variable that moves it. */
export class PortTakenError extends ConfigError {}

function tryListen(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Checks, before anything is started, that every port the stack will listen on can be taken, so a
 * taken port stops `npm start` with one line instead of a service failing halfway through the
 * start. Port 0 (any free port) needs no check.
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const byPort = new Map<number, string>();
  for (const { port, variable } of claims) {
    if (port === 0) continue;
    const other = byPort.get(port);
    if (other) throw new PortTakenError(`port ${port} is set for both ${other} and ${variable}: move one`);
    byPort.set(port, variable);
  }
  for (const { port, host, variable } of claims) {
    if (port === 0) continue;
    const error = await tryListen(port, host);
    if (!error) continue;
    const why = error.code === 'EADDRINUSE' ? 'is taken' : `cannot be used (${error.code ?? error.message})`;
    throw new PortTakenError(`port ${port} ${why}: set ${variable} to use another`);
  }
}
