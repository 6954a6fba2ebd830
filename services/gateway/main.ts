import { runMain } from '../../shared/config/env';
import { startGateway } from './gateway';
import { loadGatewayConfig } from './gateway.config';

runMain(async () => {
  const { shutdown } = await startGateway(loadGatewayConfig());
  shutdown.listen();
});
