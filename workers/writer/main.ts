import { runMain } from '../../shared/config/env';
import { followSupervisor } from '../../shared/scaling/supervision';
import { loadWriterWorkerConfig } from './writer.config';
import { startWriterWorker } from './writer.worker';

runMain(async () => {
  const { shutdown } = await startWriterWorker(loadWriterWorkerConfig());
  shutdown.listen();
  followSupervisor(() => void shutdown.shutdown('autoscaler gone').then(() => process.exit(0)));
});
