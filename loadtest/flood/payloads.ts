import { randomUUID } from 'node:crypto';
import { assertChatJob, assertWriteMessage, catalog } from '../../shared/jobs/catalog';
import type { ChatJob } from '../../shared/jobs/chat.job';
import type { WriteOf } from '../../shared/jobs/writes.messages';
import { survey } from '../../shared/survey/survey';

/*
 * The messages the flood mode pushes, built from the job catalog and checked against its schemas:
 * a flood is only meaningful if workers accept what it enqueues.
 */

/** BullMQ job name used for flooded chat jobs. */
export const CHAT_JOB_NAME = 'reply';

/** The catalog's options for chat jobs (retries, backoff, trimming of finished jobs). */
export const CHAT_JOB_OPTIONS = catalog.chat.options;

// Flooded traffic is spread over this many made-up users (and so SQS message groups).
const FLOOD_USERS = Array.from({ length: 256 }, () => randomUUID());

function floodUser(): string {
  return FLOOD_USERS[Math.floor(Math.random() * FLOOD_USERS.length)]!;
}

/** Payload of one chat job; `replyId` is also the BullMQ job id. */
export function buildChatJob(replyId: string): ChatJob {
  const job: ChatJob = {
    v: 1,
    replyId,
    conversationId: randomUUID(),
    userId: floodUser(),
    userMessageId: randomUUID(),
    personaId: 'companion',
    lang: 'en',
    content: 'Say hello in one short sentence.',
    enqueuedAt: Date.now(),
  };
  assertChatJob(job);
  return job;
}

/** One durable write for the SQS FIFO queue: `groupId` keeps one user's writes in order. */
export interface WriteMessage {
  readonly groupId: string;
  readonly body: WriteOf<'survey.answers'>;
}

let revision = Date.now() * 1000;

export function buildWriteMessage(): WriteMessage {
  const userId = floodUser();
  const question = survey.questions[Math.floor(Math.random() * survey.questions.length)]!;
  const body: WriteOf<'survey.answers'> = {
    v: 1,
    kind: 'survey.answers',
    userId,
    surveyVersion: survey.version,
    revision: ++revision,
    answers: [{ questionId: question.id, value: question.options[0]!.value }],
    at: Date.now(),
  };
  assertWriteMessage(body);
  return { groupId: userId, body };
}
