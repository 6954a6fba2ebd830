import { expect } from 'vitest';
import type { ChaosCounts } from './chaos.report';

// What each case must end with, whatever its size: shared by the full runs and the short CI ones.

export function expectWorkerKillsRecovered(c: ChaosCounts) {
  expect(c.killed).toBe(c.rounds);
  expect(c.streamsDone).toBe(c.rounds);
  expect(c.persistedOnce).toBe(c.rounds);
  expect([c.lost, c.duplicated, c.outOfOrder, c.unfinishedJobs]).toEqual([0, 0, 0, 0]);
}

export function expectWriterKillsLostNothing(c: ChaosCounts) {
  expect(c.killed).toBe(c.rounds);
  expect(c.killedHoldingBatch).toBeGreaterThan(0);
  expect(c.turnsStored).toBe(c.turnsSent);
  expect([c.turnsLost, c.turnsDuplicated, c.answersRejected]).toEqual([0, 0, 0]);
  expect(c.answersStored).toBe(c.answersSent);
  expect(c.answerRows).toBe(c.answersSent);
  expect([c.leftInQueue, c.deadLettered]).toEqual([0, 0]);
}

export function expectRedisRestartsSurvived(c: ChaosCounts) {
  expect(c.outage503).toBeGreaterThan(0);
  expect(c.outage503WithRetryAfter).toBe(c.outage503);
  expect([c.otherDuringOutage, c.server500s]).toEqual([0, 0]);
  expect(c.maxRecoveryMs).toBeLessThanOrEqual(5000);
  expect(c.accepted).toBeGreaterThan(0);
  expect(c.streamsDone).toBe(c.accepted);
  expect(c.storedOnce).toBe(c.accepted);
  expect(c.streamMatchesStored).toBe(c.accepted);
  expect([c.lost, c.doubleFinals, c.duplicateTurns, c.unfinishedJobs]).toEqual([0, 0, 0, 0]);
}

export function expectDatabaseOutageLostNothing(c: ChaosCounts) {
  expect(c.server500s).toBe(0);
  expect(c.rowsWrittenDuringOutage).toBe(0);
  expect(c.maxWaitingInSqs).toBeGreaterThan(0);
  expect(c.acceptedTurns).toBeGreaterThan(0);
  expect(c.storedUsers).toBe(c.acceptedGuests);
  expect(c.storedConversations).toBe(c.acceptedConversations);
  expect(c.storedTurns).toBe(c.acceptedTurns);
  expect(c.messageRows).toBe(c.acceptedTurns! * 2);
  expect(c.storedAnswers).toBe(c.acceptedAnswers);
  expect([c.leftInQueue, c.deadLettered]).toEqual([0, 0]);
}

export function expectStreamsResumedExactly(c: ChaosCounts) {
  expect(c.killed! + c.stoppedGracefully!).toBe(c.rounds);
  expect(c.streams).toBeGreaterThan(0);
  for (const key of ['resumed', 'endedDone', 'exact', 'stored']) expect(c[key], key).toBe(c.streams);
  expect([c.missing, c.duplicated, c.outOfOrder]).toEqual([0, 0, 0]);
}

export function expectLlmFaultsHandled(c: ChaosCounts) {
  expect(c.injected429).toBeGreaterThan(0);
  expect(c.injected500).toBeGreaterThan(0);
  expect(c.injectedCuts).toBeGreaterThan(0);
  expect(c.llmRequests).toBeGreaterThan(c.replies!);
  expect(c.notEnded).toBe(0);
  expect(c.endedDone! + c.endedError!).toBe(c.replies);
  expect(c.clearErrors).toBe(c.endedError);
  expect(c.doneStoredAsStreamed).toBe(c.endedDone);
  expect(c.errorStoredAsFailed).toBe(c.endedError);
  expect(c.allFailAttempts).toBe(3);
  expect(c.allFailMs).toBeGreaterThanOrEqual(1500);
  expect(c.allFailEndedError).toBe(1);
  expect(c.unfinishedJobs).toBe(0);
}

export function expectSqsOutageLostNothing(c: ChaosCounts) {
  expect(c.server500s).toBe(0);
  expect(c.answersRefused503).toBeGreaterThan(0);
  expect(c.refusedWithRetryAfter).toBe(c.answersRefused503);
  expect(c.answersOther).toBe(0);
  expect(c.acceptedStored).toBe(c.answersAccepted);
  expect(c.resultsPending).toBe(0);
  expect(c.finishedInOutage).toBeGreaterThan(0);
  expect(c.finishedInOutageStoredOnce).toBe(c.finishedInOutage);
  expect(c.repliesDone).toBe(c.replies);
  expect(c.storedOnce).toBe(c.replies);
  expect(c.messageRows).toBe(c.replies! * 2);
  expect([c.leftInQueue, c.deadLettered, c.unfinishedJobs]).toEqual([0, 0, 0]);
}

export function expectRedisFullSurvived(c: ChaosCounts) {
  expect(c.full503).toBeGreaterThan(0);
  expect(c.full503WithRetryAfter).toBe(c.full503);
  expect([c.otherWhileFull, c.server500s]).toEqual([0, 0]);
  expect(c.maxRecoveryMs).toBeLessThanOrEqual(5000);
  expect(c.accepted).toBeGreaterThan(0);
  expect(c.notEnded).toBe(0);
  expect(c.endedDone! + c.endedError!).toBe(c.accepted);
  expect(c.hashConsistent).toBe(c.accepted);
  expect(c.storedOnce).toBe(c.accepted);
  expect(c.storedAsStreamed).toBe(c.accepted);
  expect([c.doubleFinals, c.unfinishedJobs]).toEqual([0, 0]);
}
