import { runProcess } from '../../shared/process/run.process';
import { fleets } from '../../shared/scaling/fleets.config';
import { defaultFleets, startAutoscaler } from './autoscaler';
import { loadAutoscalerConfig } from './autoscaler.config';

// Long enough for the slowest fleet to drain and for the kill that follows a hung drain.
const drainSeconds = Math.max(...Object.values(fleets).map((f) => f.drainDeadlineSeconds));

runProcess({
  name: 'autoscaler',
  config: loadAutoscalerConfig,
  deadlineMs: (config) => (drainSeconds + config.AUTOSCALER_KILL_GRACE_S + 15) * 1000,
  main: async ({ config, log, shutdown }) => {
    const autoscaler = await startAutoscaler({ config, fleets: defaultFleets(), log });
    shutdown.add('stop scaling and retire every worker', autoscaler.stop);
  },
});
