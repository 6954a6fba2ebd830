import { startFakeGateway } from './fake.gateway';

// Manual try-outs: `tsx loadtest/testing/fake.gateway.main.ts` then point --target at the printed URL.
const gw = await startFakeGateway({
  sendDelayMs: 20,
  firstTokenMs: 80,
  tokenGapMs: 15,
  tokens: 20,
  pendingPolls: 2,
  opsToken: 'ops',
});
process.stdout.write(`${gw.url}\n`);
