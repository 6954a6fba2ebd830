import { Type } from '@sinclair/typebox';
import { commonEnv, databaseEnv } from '../config/common.config';
import { parseEnv } from '../config/env';
import { runProcess } from '../process/run.process';
import { createDb, dialectOf, migrateToLatest } from './database';

runProcess({
  name: 'migrate',
  config: (env) =>
    parseEnv(
      Type.Object({ ...databaseEnv, AIRA_DATA_DIR: commonEnv.AIRA_DATA_DIR, LOG_LEVEL: commonEnv.LOG_LEVEL }),
      env,
    ),
  task: true,
  main: async ({ config, log, shutdown }) => {
    const db = createDb({ url: config.DATABASE_URL, dataDir: config.AIRA_DATA_DIR });
    shutdown.add('database', () => db.destroy());
    const applied = await migrateToLatest(db);
    log.info(
      { dialect: dialectOf(db), applied },
      `${dialectOf(db)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`,
    );
  },
});
