import { runMain } from '../../shared/config/env';
import { createShutdown } from '../../shared/lifecycle/shutdown';
import { fleets } from '../../shared/scaling/fleets.config';
import { createLogger } from '../../shared/telemetry/logger';
import { defaultFleets, startAutoscaler } from './autoscaler';
import { loadAutoscalerConfig } from './autoscaler.config';

runMain(async () => {
  const config = loadAutoscalerConfig();
  const log = createLogger('autoscaler', config.LOG_LEVEL);
  const autoscaler = await startAutoscaler({ config, fleets: defaultFleets(), log });
  // Long enough for the slowest fleet to drain and for the kill that follows a hung drain.
  const drainSeconds = Math.max(...Object.values(fleets).map((f) => f.drainDeadlineSeconds));
  const shutdown = createShutdown(log, {
    deadlineMs: (drainSeconds + config.AUTOSCALER_KILL_GRACE_S + 15) * 1000,
  });
  shutdown.add('stop scaling and retire every worker', autoscaler.stop);
  shutdown.listen();
});
