import { describe, it } from 'vitest';
import { writerKills } from './cases/writer-kill.case';
import { expectWriterKillsLostNothing } from './chaos.checks';

describe('chaos', () => {
  it('kill -9 of a writer mid-batch, 20 times', async () => {
    expectWriterKillsLostNothing(await writerKills(20));
  });
});
