import { describe, it } from 'vitest';
import { sqsOutage } from './cases/sqs-outage.case';
import { expectSqsOutageLostNothing } from './chaos.checks';

describe('chaos', () => {
  it('SQS unreachable for 30 s', async () => {
    expectSqsOutageLostNothing(await sqsOutage(30_000));
  });
});
