import pino from 'pino';
import { createLlmSim } from './llm-sim.app';
import { loadLlmSimEnv } from './llm-sim.config';

const log = pino({ name: 'llm-sim' });

let env: ReturnType<typeof loadLlmSimEnv>;
try {
  env = loadLlmSimEnv(process.env);
} catch (error) {
  log.fatal((error as Error).message);
  process.exit(1);
}

const sim = createLlmSim({ settings: env.settings, apiKey: env.apiKey, model: env.model });
const { url, baseURL } = await sim.listen(env.port, env.host);
log.info(
  { url, baseURL, settings: env.settings, auth: env.apiKey !== undefined },
  `llm-sim listening on ${baseURL}`,
);

let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  // A second signal means the operator does not want to wait for running generations.
  if (stopping) process.exit(1);
  stopping = true;
  log.info({ signal, stats: sim.stats() }, 'llm-sim stopping');
  await sim.close();
  log.info('llm-sim stopped');
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
