/**
 * A process run by runProcess for run.process.int.test.ts: it parses one variable, holds a timer
 * open as a service holds its listener, and logs as it stops.
 */
import { Type } from '@sinclair/typebox';
import { Port, parseEnv } from '../config/env';
import { runProcess } from './run.process';

runProcess({
  name: 'fixture',
  config: (env) => parseEnv(Type.Object({ FIXTURE_PORT: Port(0, 'a port') }), env),
  main: async ({ log, shutdown }) => {
    const timer = setInterval(() => undefined, 1000);
    shutdown.add('timer', () => {
      log.info('closing the timer');
      clearInterval(timer);
    });
    log.info('fixture ready');
  },
});
