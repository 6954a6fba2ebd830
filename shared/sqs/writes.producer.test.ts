import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { WriteOf } from '../jobs/writes.messages';
import { createWritesProducer, sqsBodyOf } from './writes.producer';

// The characters an SQS message body may hold (AWS: #x9 | #xA | #xD | #x20 to #xD7FF |
// #xE000 to #xFFFD | #x10000 to #x10FFFF); anything else fails the whole send.
const sqsSafe = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

const turn = (content: string): WriteOf<'chat.turn'> => ({
  v: 1,
  kind: 'chat.turn',
  userId: randomUUID(),
  conversationId: randomUUID(),
  replyId: randomUUID(),
  user: { id: randomUUID(), content, at: 1 },
  assistant: {
    content: `${content}!`,
    status: 'complete',
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1 },
    at: 2,
  },
});

it('writes any text as a body SQS accepts, which parses back to the same write', () => {
  fc.assert(
    fc.property(
      fc
        .array(
          fc.oneof(fc.constantFrom('\uFFFE', '\uFFFF', '\uD800', '\u0000'), fc.string({ unit: 'binary' })),
        )
        .map((parts) => parts.join('')),
      (content) => {
        const message = turn(content);
        const body = sqsBodyOf(message);
        expect(body).toMatch(sqsSafe);
        expect(JSON.parse(body)).toEqual(message);
      },
    ),
    { numRuns: 500 },
  );
  expect(JSON.stringify(turn('\uFFFE'))).not.toMatch(sqsSafe);
});

it('sends that body, single and batched', async () => {
  const sent: { MessageBody?: string; Entries?: { MessageBody?: string }[] }[] = [];
  const sqs = { send: async (command: { input: (typeof sent)[number] }) => sent.push(command.input) };
  const producer = createWritesProducer({ sqs: sqs as unknown as SQSClient, queueUrl: 'q' });
  const message = turn('a\uFFFFb');
  await producer.send(message);
  await producer.sendBatch([message]);
  expect(sent[0]!.MessageBody).toBe(sqsBodyOf(message));
  expect(sent[1]!.Entries![0]!.MessageBody).toBe(sqsBodyOf(message));
  expect(sent[0]!.MessageBody).toContain('a\\uffffb');
});
