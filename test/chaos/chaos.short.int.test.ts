import { describe, it } from 'vitest';
import { chatWorkerKills } from './cases/chat-worker-kill.case';
import { databaseOutage } from './cases/database-outage.case';
import { gatewayRestarts } from './cases/gateway-restart.case';
import { llmFaults } from './cases/llm-faults.case';
import { redisFull } from './cases/redis-full.case';
import { redisRestarts } from './cases/redis-restart.case';
import { sqsOutage } from './cases/sqs-outage.case';
import { writerKills } from './cases/writer-kill.case';
import {
  expectDatabaseOutageLostNothing,
  expectLlmFaultsHandled,
  expectRedisFullSurvived,
  expectRedisRestartsSurvived,
  expectSqsOutageLostNothing,
  expectStreamsResumedExactly,
  expectWorkerKillsRecovered,
  expectWriterKillsLostNothing,
} from './chaos.checks';
import { chaosRounds } from './chaos.report';

// The chaos cases at CI size (CHAOS_ROUNDS, default 3); `npm run test:chaos` runs them in full.
const rounds = chaosRounds(3);

describe(`chaos, short (${rounds} rounds)`, () => {
  it('kill -9 of a chat worker mid-stream', async () => {
    expectWorkerKillsRecovered(await chatWorkerKills(rounds));
  }, 180_000);

  it('kill -9 of a writer mid-batch', async () => {
    expectWriterKillsLostNothing(await writerKills(rounds));
  }, 180_000);

  it('Redis crashing and coming back', async () => {
    expectRedisRestartsSurvived(await redisRestarts(1, 5000));
  }, 120_000);

  it('Redis at maxmemory for 4 s', async () => {
    expectRedisFullSurvived(await redisFull(1, 4000));
  }, 120_000);

  it('the database unreachable for 5 s', async () => {
    expectDatabaseOutageLostNothing(await databaseOutage(5000));
  }, 120_000);

  it('SQS unreachable for 5 s', async () => {
    expectSqsOutageLostNothing(await sqsOutage(5000));
  }, 120_000);

  it('a gateway stopped under open streams', async () => {
    expectStreamsResumedExactly(await gatewayRestarts(2, 3));
  }, 120_000);

  it('an LLM failing 60% of attempts', async () => {
    expectLlmFaultsHandled(await llmFaults(4 * rounds));
  }, 120_000);
});
