import type { EventEmitter } from 'node:events';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * How a worker process and the local autoscaler that started it talk: over the IPC channel every
 * Aira process is started with (shared/process/spawn.process.ts). The channel closing means the
 * autoscaler is gone, and the process runner stops the worker (shared/process/parent.link.ts).
 *
 * Standby (`AIRA_STANDBY=1`): a process that has loaded its code and waits, not yet connected to
 * anything, for its identity. Loading the modules is most of a worker's start-up, so with one
 * standby kept warm a surge gets a new worker in a fraction of a second. The process logs
 * `<fleet> worker standby`, waits for one activation message (`{ activate: { WORKER_ID: 'chat-3' } }`)
 * and starts like any worker with those variables set; the channel closing first means it is not
 * wanted, and it exits without starting.
 */
export const STANDBY_ENV = 'AIRA_STANDBY';

/** The log message a standby announces itself with (pino `msg`), per fleet. */
export const standbyMessage = (fleet: string) => `${fleet} worker standby`;

export const Activation = Type.Record(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }), Type.String(), {
  additionalProperties: false,
});
export type Activation = Static<typeof Activation>;

type Env = Record<string, string | undefined>;

export const isStandby = (env: Env = process.env) => env[STANDBY_ENV] === '1';

/** The message the autoscaler sends a standby to start it. */
export const activationMessage = (overrides: Activation) => ({ activate: overrides });

/** The overrides an activation message carries; throws on anything else. */
export function parseActivation(message: unknown): Activation {
  const overrides = (message as { activate?: unknown } | null)?.activate;
  if (!Value.Check(Activation, overrides)) {
    throw new Error(
      `standby activation must map variable names to strings: ${JSON.stringify(message)?.slice(0, 200)}`,
    );
  }
  return overrides;
}

/** The parent's end of the channel as a process sees it (`process` itself, or a test's emitter). */
export type ParentChannel = Pick<EventEmitter, 'on' | 'off'> & {
  channel?: { ref(): void; unref(): void } | null;
};

/**
 * Announces the standby and waits for its activation. Resolves with the environment to start
 * with (this process's own plus the overrides), or null when the channel closed first.
 */
export function waitForActivation(
  fleet: string,
  log: { info(msg: string): void },
  parent: ParentChannel = process,
  env: Env = process.env,
): Promise<Env | null> {
  if (parent.channel === undefined || parent.channel === null) {
    return Promise.reject(new Error(`${STANDBY_ENV}=1 needs a parent that activates it over IPC`));
  }
  log.info(standbyMessage(fleet));
  // Waiting is all a standby does: the channel keeps it alive until then.
  parent.channel.ref();
  return new Promise((resolve, reject) => {
    const done = () => {
      parent.off('message', onMessage);
      parent.off('disconnect', onDisconnect);
      parent.channel?.unref();
    };
    const onMessage = (message: unknown) => {
      done();
      try {
        const { [STANDBY_ENV]: _, ...own } = env;
        resolve({ ...own, ...parseActivation(message) });
      } catch (error) {
        reject(error);
      }
    };
    const onDisconnect = () => {
      done();
      resolve(null);
    };
    parent.on('message', onMessage);
    parent.on('disconnect', onDisconnect);
  });
}
