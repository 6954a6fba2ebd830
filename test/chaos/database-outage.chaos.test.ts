import { describe, it } from 'vitest';
import { databaseOutage } from './cases/database-outage.case';
import { expectDatabaseOutageLostNothing } from './chaos.checks';

describe('chaos', () => {
  it('the database unreachable for 30 s', async () => {
    expectDatabaseOutageLostNothing(await databaseOutage(30_000));
  });
});
