import { randomUUID } from 'node:crypto';

/*
 * The messages the flood mode pushes. Kept in this one file so they can follow the job catalog:
 * a flood is only meaningful if workers accept what it enqueues.
 */

/** BullMQ job name used for flooded chat jobs. */
export const CHAT_JOB_NAME = 'reply';

/** BullMQ options for flooded chat jobs; finished ones are trimmed so a flood does not fill Redis. */
export const CHAT_JOB_OPTIONS = { removeOnComplete: 1000, removeOnFail: 5000 } as const;

// Flooded traffic is spread over this many made-up users (and so SQS message groups).
const FLOOD_USERS = 256;

function floodUser(): string {
  return `loadtest-user-${Math.floor(Math.random() * FLOOD_USERS)}`;
}

/** Payload of one chat job; `replyId` is also the BullMQ job id. */
export function buildChatJob(replyId: string): Record<string, unknown> {
  return {
    replyId,
    conversationId: randomUUID(),
    userId: floodUser(),
    userMessageId: randomUUID(),
    content: 'Say hello in one short sentence.',
    persona: 'friendly',
    enqueuedAt: Date.now(),
  };
}

/** One durable write for the SQS FIFO queue: `groupId` keeps one user's writes in order. */
export interface WriteMessage {
  readonly groupId: string;
  readonly body: Record<string, unknown>;
}

export function buildWriteMessage(): WriteMessage {
  const userId = floodUser();
  return {
    groupId: userId,
    body: {
      kind: 'survey_answers',
      writeId: randomUUID(),
      userId,
      answers: [{ questionId: 'q1', value: 3 }],
      at: new Date().toISOString(),
    },
  };
}
