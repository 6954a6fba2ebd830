import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../harness/client';
import { chatQueueCounts, sqsCounts, unfinished } from '../harness/queue.counts';
import { type Stack, startStack } from '../harness/stack';
import { checkResponse, createFuzzClient, createTally } from './fuzz.client';
import { type OpenApiDocument, type Operation, operationsOf } from './openapi.operations';
import { type FuzzWorld, type RequestPlan, requestFor } from './request.arbitraries';

// FUZZ_REQUESTS and FUZZ_SEED reproduce or widen a run; a failure prints the seed it ran with
// (lane n runs with seed + n).
const totalRequests = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const lanes = 32;

describe('the API under fuzzed requests', () => {
  let stack: Stack;
  let ops: Operation[];
  let world: FuzzWorld;
  const tokens = { own: '', other: '', expired: '', disposable: [] as string[] };

  beforeAll(async () => {
    // No workers: every accepted job and write stays in its queue, where it can be counted.
    stack = await startStack({ chatWorkers: 0, writerWorkers: 0 });
    const doc = (await (await fetch(`${stack.baseUrl}/docs/json`)).json()) as OpenApiDocument;
    ops = operationsOf(doc);

    const api = createClient(stack.baseUrl);
    const [own, other, expired] = [await api.guest(), await api.guest(), await api.guest()];
    await expired.request('POST', '/api/auth/logout');
    tokens.own = own.token!;
    tokens.other = other.token!;
    tokens.expired = expired.token!;
    for (let i = 0; i < 150; i++) tokens.disposable.push((await api.guest()).token!);

    const email = `fuzz-${stack.id}@example.com`;
    const password = 'correct horse battery';
    const signup = await api.request('POST', '/api/auth/signup', { email, password });
    expect(signup.status).toBe(201);
    const survey = await api.request('GET', '/api/survey');
    const questions = survey.json.questions as { id: string; options: { value: number }[] }[];
    const questionIds = questions.map((q) => q.id);

    const conversationsOf = async (client: typeof own) => [
      await client.conversation(),
      await client.conversation(),
    ];
    const ownConversations = await conversationsOf(own);
    const otherConversations = await conversationsOf(other);
    const repliesOf = async (client: typeof own, conversationId: string) => {
      const ids: string[] = [];
      for (const text of ['hello', '안녕하세요', 'tell me more'])
        ids.push((await client.send(conversationId, text)).replyId);
      return ids;
    };
    world = {
      ids: {
        id: [...ownConversations, ...otherConversations],
        replyId: [
          ...(await repliesOf(own, ownConversations[0]!)),
          ...(await repliesOf(other, otherConversations[0]!)),
        ],
      },
      words: [email, password, 'ko', 'en', '0-0', `${Date.now()}-0`, ...questionIds, ...ownConversations],
      examples: {
        'POST /api/auth/login': [{ email, password }],
        'POST /api/conversations/{id}/messages': [{ content: 'hello' }, { content: '\u202eolleh\u200b' }],
        'PUT /api/survey/answers': questions.flatMap((q) => [
          { answers: [{ questionId: q.id, value: q.options[0]!.value }] },
          { version: 1, answers: [{ questionId: q.id, value: q.options.at(-1)!.value }] },
        ]),
      },
    };
  });
  afterAll(() => stack?.stop());

  it('never answers 5xx, always errs with a JSON error body, and enqueues nothing it rejects', async () => {
    expect(ops.length).toBeGreaterThanOrEqual(15);
    const chatBefore = unfinished(await chatQueueCounts(stack));
    const writesBefore = (await sqsCounts(stack)).total;

    let next = 0;
    const client = createFuzzClient(stack.baseUrl, {
      ...tokens,
      disposable: () => tokens.disposable[next++ % tokens.disposable.length]!,
    });
    const opByKey = new Map(ops.map((op) => [op.key, op]));
    const tally = createTally();
    const failures: { plan: RequestPlan; problem: string }[] = [];
    let cancelled = 0;

    const request = fc.oneof(...ops.map((op) => requestFor(op, world, ops)));
    const property = fc.asyncProperty(request, async (plan) => {
      let problem: string | undefined;
      try {
        const res = await client.send(plan);
        tally.add(plan.route, res.status);
        if (plan.route === 'POST /api/replies/{replyId}/cancel' && res.status === 202) {
          if (JSON.parse(res.text).state === 'cancelled') cancelled += 1;
        }
        problem = checkResponse(plan, res, opByKey.get(plan.route));
      } catch (error) {
        tally.add(plan.route, 0);
        problem = `no response: ${(error as Error).message}`;
      }
      if (problem) failures.push({ plan, problem });
      expect(problem).toBeUndefined();
    });

    const started = Date.now();
    const perLane = Math.ceil(totalRequests / lanes);
    // Lanes run side by side (a request in flight each); each is its own property run and shrinks its own failure.
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, (_, lane) =>
        fc.assert(property, {
          numRuns: perLane,
          seed: seed + lane,
          // Shrinking many failures at once could run for long; a cut-short run still fails.
          interruptAfterTimeLimit: 240_000,
          markInterruptAsFailure: true,
        }),
      ),
    );
    await client.close();
    const seconds = (Date.now() - started) / 1000;

    console.log(`fuzz: ${tally.total} requests in ${seconds.toFixed(1)} s (seed ${seed}, ${lanes} lanes)`);
    console.table(tally.table());
    const chatAfter = unfinished(await chatQueueCounts(stack));
    const writesAfter = (await sqsCounts(stack)).total;
    const accepted = {
      messages: tally.count('POST /api/conversations/{id}/messages', 202),
      guests: tally.count('POST /api/auth/guest', 201),
      conversations: tally.count('POST /api/conversations', 201),
      answers: tally.count('PUT /api/survey/answers', 202),
      cancelled,
    };
    console.table({
      'chat jobs': {
        before: chatBefore,
        after: chatAfter,
        expected: chatBefore + accepted.messages - cancelled,
      },
      'writes (SQS)': {
        before: writesBefore,
        after: writesAfter,
        expected: writesBefore + accepted.guests + accepted.conversations + accepted.answers + cancelled,
      },
    });

    const rejectedLanes = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    if (rejectedLanes.length) console.error(String(rejectedLanes[0]!.reason).slice(0, 4000));
    expect(failures.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(rejectedLanes).toHaveLength(0);
    expect(tally.total).toBeGreaterThanOrEqual(totalRequests);
    for (const op of ops) expect(tally.count(op.key), op.key).toBeGreaterThan(totalRequests / ops.length / 3);
    // Only accepted requests reach a queue: one job per accepted message (less the waiting ones
    // cancelled), one write per new guest, conversation, answer batch and cancelled reply.
    expect(chatAfter).toBe(chatBefore + accepted.messages - cancelled);
    expect(writesAfter).toBe(
      writesBefore + accepted.guests + accepted.conversations + accepted.answers + cancelled,
    );
  }, 400_000);
});
