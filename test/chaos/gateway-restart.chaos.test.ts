import { describe, it } from 'vitest';
import { gatewayRestarts } from './cases/gateway-restart.case';
import { expectStreamsResumedExactly } from './chaos.checks';

describe('chaos', () => {
  it('a gateway stopped under 8 open streams, 6 times', async () => {
    expectStreamsResumedExactly(await gatewayRestarts(6, 8));
  });
});
