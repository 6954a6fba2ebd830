import { runMain } from '../../shared/config/env';
import { fleets } from '../../shared/scaling/fleets.config';
import { followSupervisor, isStandby, waitForActivation } from '../../shared/scaling/supervision';
import { createLogger } from '../../shared/telemetry/logger';
import { loadChatWorkerConfig } from './chat.config';
import { startChatWorker } from './chat.worker';

runMain(async () => {
  let config = loadChatWorkerConfig();
  const log = createLogger('chat-worker', config.LOG_LEVEL);
  if (isStandby()) {
    // Loaded and waiting for the autoscaler: a surge gets this worker without a cold start.
    const env = await waitForActivation('chat', log);
    if (!env) process.exit(0);
    config = loadChatWorkerConfig(env);
  }
  const { shutdown, worker } = await startChatWorker(config, {
    drainMs: fleets.chat.drainDeadlineSeconds * 1000,
  });
  shutdown.listen();
  followSupervisor(() => void shutdown.shutdown('autoscaler gone').then(() => process.exit(0)));
  // BullMQ's job locks carry this id: the autoscaler counts each worker's running jobs by it, to
  // retire idle workers first.
  log.child({ workerId: config.WORKER_ID }).info({ bullmqWorkerId: worker.id }, 'chat worker job locks');
});
