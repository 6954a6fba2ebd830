import { runProcess } from '../../shared/process/run.process';
import { startGateway } from './gateway';
import { loadGatewayConfig } from './gateway.config';

runProcess({
  name: 'gateway',
  config: loadGatewayConfig,
  main: async ({ config, log, shutdown }) => {
    await startGateway(config, { log, shutdown });
  },
});
