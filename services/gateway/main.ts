import { runMain } from '../../shared/config/env';
import { loadGatewayConfig } from './gateway.config';
import { startGateway } from './gateway';

runMain(async () => {
  const { shutdown } = await startGateway(loadGatewayConfig());
  shutdown.listen();
});
