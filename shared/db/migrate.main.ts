import { Type } from '@sinclair/typebox';
import { commonEnv, databaseEnv } from '../config/common.config';
import { parseEnv, runMain } from '../config/env';
import { createDb, dialectOf, migrateToLatest } from './database';

runMain(async () => {
  const { DATABASE_URL, AIRA_DATA_DIR } = parseEnv(
    Type.Object({ ...databaseEnv, AIRA_DATA_DIR: commonEnv.AIRA_DATA_DIR }),
  );
  const db = createDb({ url: DATABASE_URL, dataDir: AIRA_DATA_DIR });
  const applied = await migrateToLatest(db);
  console.log(`${dialectOf(db)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
  await db.destroy();
});
