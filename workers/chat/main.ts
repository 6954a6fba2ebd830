import { runMain } from '../../shared/config/env';
import { fleets } from '../../shared/scaling/fleets.config';
import { loadChatWorkerConfig } from './chat.config';
import { startChatWorker } from './chat.worker';

runMain(async () => {
  const config = loadChatWorkerConfig();
  const { shutdown } = await startChatWorker(config, { drainMs: fleets.chat.drainDeadlineSeconds * 1000 });
  shutdown.listen();
});
