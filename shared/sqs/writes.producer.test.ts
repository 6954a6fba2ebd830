import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { aChatTurn as turn } from '../../test/harness/jobs';
import {
  createWritesProducer,
  isTransientSqsError,
  sqsBodyOf,
  WritesUnavailableError,
} from './writes.producer';

// The characters an SQS message body may hold (AWS: #x9 | #xA | #xD | #x20 to #xD7FF |
// #xE000 to #xFFFD | #x10000 to #x10FFFF); anything else fails the whole send.
const sqsSafe = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

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
}, 60_000);

it('sends that body, single and batched', async () => {
  const sent: { Entries?: { MessageBody?: string }[] }[] = [];
  const sqs = {
    send: async (command: { input: (typeof sent)[number] }) => {
      sent.push(command.input);
      return {};
    },
  };
  const producer = createWritesProducer({ sqs: sqs as unknown as SQSClient, queueUrl: 'q' });
  const message = turn('a\uFFFFb');
  await producer.send(message);
  await producer.sendBatch([message]);
  expect(sent[0]!.Entries![0]!.MessageBody).toBe(sqsBodyOf(message));
  expect(sent[1]!.Entries![0]!.MessageBody).toBe(sqsBodyOf(message));
  expect(sent[0]!.Entries![0]!.MessageBody).toContain('a\\uffffb');
});

/** An SQS client whose batch calls finish when the test says, failing the entries it names. */
function heldSqs(failIds: Set<string> = new Set()) {
  const calls: {
    entries: { Id: string; MessageGroupId: string; MessageBody: string }[];
    finish: () => void;
  }[] = [];
  const sqs = {
    send: (command: { input: { Entries: { Id: string; MessageGroupId: string; MessageBody: string }[] } }) =>
      new Promise((resolve) => {
        const entries = command.input.Entries;
        calls.push({
          entries,
          finish: () =>
            resolve({
              Successful: entries.filter((e) => !failIds.has(e.MessageBody)).map((e) => ({ Id: e.Id })),
              Failed: entries
                .filter((e) => failIds.has(e.MessageBody))
                .map((e) => ({ Id: e.Id, Code: 'InvalidMessageContents', Message: 'bad' })),
            }),
        });
      }),
  };
  return { sqs: sqs as unknown as SQSClient, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

it("sends writes made together in batches of ten, keeping each user's order", async () => {
  const { sqs, calls } = heldSqs();
  const producer = createWritesProducer({ sqs, queueUrl: 'q', maxInFlight: 4 });
  const alice = randomUUID();
  const others = Array.from({ length: 14 }, () => turn('x'));
  const first = { ...turn('alice 1'), userId: alice };
  const second = { ...turn('alice 2'), userId: alice };
  const sends = [producer.send(first), ...others.map((m) => producer.send(m))];
  await tick();
  // Fifteen writes made in one turn of the event loop: two calls, not fifteen.
  expect(calls.map((c) => c.entries.length)).toEqual([10, 5]);
  // Alice's second write waits while her first is on its way, though a batch has room.
  const late = producer.send(second);
  await tick();
  expect(calls).toHaveLength(2);
  calls[0]!.finish();
  await Promise.all(sends.slice(0, 10));
  await tick();
  expect(calls).toHaveLength(3);
  expect(calls[2]!.entries.map((e) => JSON.parse(e.MessageBody).user.content)).toEqual(['alice 2']);
  calls[1]!.finish();
  calls[2]!.finish();
  await Promise.all([...sends, late]);
});

it('rejects only the writes SQS refused', async () => {
  const bad = turn('refused');
  const { sqs, calls } = heldSqs(new Set([sqsBodyOf(bad)]));
  const producer = createWritesProducer({ sqs, queueUrl: 'q' });
  const good = producer.send(turn('fine'));
  const refused = producer.send(bad);
  await tick();
  calls[0]!.finish();
  await expect(good).resolves.toBeUndefined();
  await expect(refused).rejects.toThrow(/InvalidMessageContents/);
});

/** An SQS client that refuses connections (as the SDK reports it) until `up` is set. */
function flakySqs() {
  const state = { up: false, tries: 0, sent: [] as string[] };
  const sqs = {
    send: async (command: { input: { Entries: { MessageBody: string }[] } }) => {
      state.tries += 1;
      if (!state.up) {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
          code: 'ECONNREFUSED',
          $metadata: { attempts: 3 },
        });
      }
      state.sent.push(...command.input.Entries.map((e) => JSON.parse(e.MessageBody).user.content));
      return {};
    },
  };
  return { sqs: sqs as unknown as SQSClient, state };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('holds writes while SQS is unreachable and sends them, in order, once it is back', async () => {
  const { sqs, state } = flakySqs();
  const producer = createWritesProducer({ sqs, queueUrl: 'q', retryMaxMs: 50 });
  const alice = randomUUID();
  const sends = ['1', '2', '3'].map((n) => producer.send({ ...turn(n), userId: alice }));
  let settled = false;
  void Promise.allSettled(sends).then(() => {
    settled = true;
  });
  await sleep(200);
  expect(state.tries).toBeGreaterThan(1);
  expect(settled).toBe(false);
  state.up = true;
  await Promise.all(sends);
  expect(state.sent).toEqual(['1', '2', '3']);
});

it('tells a caller that cannot wait, and still sends the write once SQS is back', async () => {
  const { sqs, state } = flakySqs();
  const producer = createWritesProducer({ sqs, queueUrl: 'q', retryMaxMs: 20, waitMs: 100 });
  const error = await producer.send(turn('kept')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WritesUnavailableError);
  expect((error as WritesUnavailableError).kept).toBe(true);
  state.up = true;
  await sleep(100);
  expect(state.sent).toEqual(['kept']);
});

it('refuses at once beyond maxWaiting, and does not retry what SQS calls the sender’s fault', async () => {
  const { sqs } = flakySqs();
  const producer = createWritesProducer({ sqs, queueUrl: 'q', maxWaiting: 1, retryMaxMs: 20 });
  void producer.send(turn('held')).catch(() => undefined);
  await tick();
  void producer.send(turn('held too')).catch(() => undefined);
  const refused = await producer.send(turn('over')).catch((e: unknown) => e);
  expect((refused as WritesUnavailableError).kept).toBe(false);

  const invalid = Object.assign(new Error('InvalidParameterValue'), {
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
  expect(isTransientSqsError(invalid)).toBe(false);
  expect(isTransientSqsError(new TypeError('a bug'))).toBe(false);
  expect(isTransientSqsError({ $fault: 'server', $metadata: { httpStatusCode: 500 } })).toBe(true);
  const rejecting = createWritesProducer({
    sqs: { send: async () => Promise.reject(invalid) } as unknown as SQSClient,
    queueUrl: 'q',
  });
  await expect(rejecting.send(turn('bad'))).rejects.toThrow('InvalidParameterValue');
});

it('takes only SDK errors for an outage: a bug with an error code is not one', () => {
  expect(isTransientSqsError(Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(
    false,
  );
  expect(isTransientSqsError({ code: 'ECONNREFUSED', $metadata: { attempts: 3 } })).toBe(true);
  expect(
    isTransientSqsError({ name: 'ThrottlingException', $retryable: { throttling: true }, $metadata: {} }),
  ).toBe(true);
});
