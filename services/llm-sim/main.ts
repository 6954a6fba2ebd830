import { runProcess } from '../../shared/process/run.process';
import { createLlmSim } from './llm-sim.app';
import { loadLlmSimEnv } from './llm-sim.config';

runProcess({
  name: 'llm-sim',
  config: loadLlmSimEnv,
  main: async ({ config, log, shutdown }) => {
    const sim = createLlmSim({ settings: config.settings, apiKey: config.apiKey, model: config.model });
    const { url, baseURL } = await sim.listen(config.port, config.host);
    shutdown.add('generations and listener', async () => {
      log.info({ stats: sim.stats() }, 'llm-sim stopping');
      await sim.close();
    });
    log.info(
      { url, baseURL, settings: config.settings, auth: config.apiKey !== undefined },
      `llm-sim listening on ${baseURL}`,
    );
  },
});
