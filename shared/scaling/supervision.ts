import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * How a worker process and the local autoscaler that started it talk: through the worker's stdin.
 *
 * Supervised (`AIRA_SUPERVISED=1`): the autoscaler keeps the worker's stdin open for as long as it
 * lives. stdin ending means the autoscaler is gone (killed, crashed): the worker drains and exits
 * instead of running on unmanaged.
 *
 * Standby (`AIRA_STANDBY=1`): a process that has loaded its code and waits, not yet connected to
 * anything, for its identity. Loading the modules is most of a worker's start-up (seconds under
 * tsx), so with one standby kept warm a surge gets a new worker in a fraction of a second. The
 * entry logs `<fleet> worker standby`, reads one JSON line of environment overrides
 * (`{"WORKER_ID":"chat-3"}`) and starts like any worker with them; stdin ending first means it is
 * not wanted, and it exits without starting.
 */
export const SUPERVISED_ENV = 'AIRA_SUPERVISED';
export const STANDBY_ENV = 'AIRA_STANDBY';

/** The log message a standby announces itself with (pino `msg`), per fleet. */
export const standbyMessage = (fleet: string) => `${fleet} worker standby`;

export const Activation = Type.Record(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }), Type.String(), {
  additionalProperties: false,
});
export type Activation = Static<typeof Activation>;

type Env = Record<string, string | undefined>;

export const isStandby = (env: Env = process.env) => env[STANDBY_ENV] === '1';

/** The line the autoscaler writes to a standby's stdin to start it. */
export const activationLine = (overrides: Activation) => `${JSON.stringify(overrides)}\n`;

export function parseActivation(line: string): Activation {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`standby activation is not JSON: ${line.slice(0, 200)}`);
  }
  if (!Value.Check(Activation, value)) {
    throw new Error(`standby activation must map variable names to strings: ${line.slice(0, 200)}`);
  }
  return value;
}

/**
 * Announces the standby and waits for its activation. Resolves with the environment to start
 * with (this process's own plus the overrides), or null when stdin ended first.
 */
export function waitForActivation(
  fleet: string,
  log: { info(msg: string): void },
  input: NodeJS.ReadableStream = process.stdin,
  env: Env = process.env,
): Promise<Env | null> {
  log.info(standbyMessage(fleet));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const done = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
    };
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      done();
      try {
        const { [STANDBY_ENV]: _, ...own } = env;
        resolve({ ...own, ...parseActivation(buffer.slice(0, newline)) });
      } catch (error) {
        reject(error);
      }
    };
    const onEnd = () => {
      done();
      resolve(null);
    };
    input.on('data', onData);
    input.on('end', onEnd);
  });
}

/** Calls `onGone` once when a supervised worker's autoscaler is gone; does nothing otherwise. */
export function followSupervisor(
  onGone: () => void,
  input: NodeJS.ReadableStream = process.stdin,
  env: Env = process.env,
): void {
  if (env[SUPERVISED_ENV] !== '1') return;
  input.once('end', onGone);
  // Nothing more is expected on stdin; reading on is what lets its end be seen.
  input.on('data', () => undefined);
  input.resume();
}
