import { runMain } from '../../shared/config/env';
import { loadWriterWorkerConfig } from './writer.config';
import { startWriterWorker } from './writer.worker';

runMain(async () => {
  const { shutdown } = await startWriterWorker(loadWriterWorkerConfig());
  shutdown.listen();
});
