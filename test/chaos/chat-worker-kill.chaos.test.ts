import { describe, it } from 'vitest';
import { chatWorkerKills } from './cases/chat-worker-kill.case';
import { expectWorkerKillsRecovered } from './chaos.checks';

describe('chaos', () => {
  it('kill -9 of a chat worker mid-stream, 20 times', async () => {
    expectWorkerKillsRecovered(await chatWorkerKills(20));
  });
});
