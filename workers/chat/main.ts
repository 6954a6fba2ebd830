import { runProcess } from '../../shared/process/run.process';
import { fleets } from '../../shared/scaling/fleets.config';
import { loadChatWorkerConfig } from './chat.config';
import { startChatWorker } from './chat.worker';

runProcess({
  name: 'chat-worker',
  config: loadChatWorkerConfig,
  // Loaded and waiting for the autoscaler: a surge gets this worker without a cold start.
  standby: 'chat',
  main: async ({ config, log, shutdown }) => {
    const { worker } = await startChatWorker(config, {
      drainMs: fleets.chat.drainDeadlineSeconds * 1000,
      log,
      shutdown,
    });
    // BullMQ's job locks carry this id: the autoscaler counts each worker's running jobs by it, to
    // retire idle workers first.
    log.child({ workerId: config.WORKER_ID }).info({ bullmqWorkerId: worker.id }, 'chat worker job locks');
  },
});
