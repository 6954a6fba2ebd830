import { runProcess } from '../../shared/process/run.process';
import { loadWriterWorkerConfig } from './writer.config';
import { startWriterWorker } from './writer.worker';

runProcess({
  name: 'writer-worker',
  config: loadWriterWorkerConfig,
  main: async ({ config, log, shutdown }) => {
    await startWriterWorker(config, { log, shutdown });
  },
});
