import { randomUUID } from 'node:crypto';
import { assertPayload } from '../../shared/jobs/catalog';
import type { ChatJob } from '../../shared/jobs/chat.job';
import type { WriteOf } from '../../shared/jobs/writes.messages';
import { survey } from '../../shared/survey/survey';

/*
 * The messages the flood mode pushes, built from the job catalog and checked against its schemas:
 * a flood is only meaningful if workers accept what it enqueues.
 */

// Flooded traffic is spread over this many made-up users (and so SQS message groups).
const FLOOD_USERS = Array.from({ length: 256 }, () => randomUUID());

function floodUser(): string {
  return FLOOD_USERS[Math.floor(Math.random() * FLOOD_USERS.length)]!;
}

/** Payload of one chat job (`chatJobOf` makes it a BullMQ job whose id is the reply id). */
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
  assertPayload('chat', job);
  return job;
}

let revision = Date.now() * 1000;

/** One durable write for the SQS FIFO queue, as the gateway sends survey answers. */
export function buildWriteMessage(): WriteOf<'survey.answers'> {
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
  assertPayload('writes', body);
  return body;
}
