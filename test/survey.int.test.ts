import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqs } from '../shared/sqs/sqs.client';
import { survey } from '../shared/survey/survey';
import { createClient, eventually, replyText } from './harness/client';
import { dialects } from './harness/databases';
import { type Stack, startStack } from './harness/stack';

describe.each(dialects)('survey on %s', (database) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ database, llm: { ttftMs: 5, itlMs: 1 } });
  });
  afterAll(() => stack?.stop());

  it('takes answers through the queue to a persona that new conversations speak in', async () => {
    const api = createClient(stack.baseUrl);
    const email = `s-${randomUUID()}@example.com`;
    const signup = await api.request('POST', '/api/auth/signup', { email, password: 'long enough pw' });
    const user = api.withToken(signup.json.token);

    const ko = await user.request('GET', '/api/survey');
    const en = await user.request('GET', '/api/survey?lang=en');
    expect(ko.json.questions.length).toBeGreaterThanOrEqual(12);
    expect(ko.json.questions[0].text).not.toBe(en.json.questions[0].text);
    expect(JSON.stringify(en.json)).not.toMatch(/"axis"|"direction"/);

    const questions = en.json.questions as { id: string; options: { value: number }[] }[];
    expect((await user.request('GET', '/api/survey/result')).status).toBe(409);
    // Everything at the low end first, then re-answer half of it at the high end.
    const low = questions.map((q) => ({ questionId: q.id, value: q.options[0]!.value }));
    expect(
      (await user.request('PUT', '/api/survey/answers', { version: survey.version, answers: low })).status,
    ).toBe(202);
    const changed = questions.slice(0, 7).map((q) => ({ questionId: q.id, value: q.options.at(-1)!.value }));
    for (const answer of changed) {
      expect((await user.request('PUT', '/api/survey/answers', { answers: [answer] })).status).toBe(202);
    }
    const first = await user.request('GET', '/api/survey/result?lang=en');
    expect([200, 202]).toContain(first.status);
    const result = await eventually(
      () => user.request('GET', '/api/survey/result?lang=en'),
      (r) => r.status !== 202,
    );
    expect(result.status).toBe(200);
    expect(result.json.status).toBe('complete');
    expect(result.json.explanation.length).toBeGreaterThan(0);

    const stored = await stack.db
      .selectFrom('survey_answers')
      .selectAll()
      .where('user_id', '=', signup.json.user.id)
      .execute();
    expect(stored).toHaveLength(questions.length);
    for (const answer of [...low.slice(7), ...changed]) {
      expect(stored.find((s) => s.question_id === answer.questionId)!.value).toBe(answer.value);
    }

    const me = await eventually(
      () => user.request('GET', '/api/me?lang=en'),
      (r) => r.json.user.persona !== null,
    );
    expect(me.json.user.persona.id).toBe(result.json.persona.id);
    const conversation = await user.request('POST', '/api/conversations?lang=en');
    expect(conversation.json.persona.id).toBe(result.json.persona.id);
    const sent = await user.request('POST', `/api/conversations/${conversation.json.id}/messages?lang=en`, {
      content: 'hello',
    });
    const { events } = await user.stream(sent.json.replyId);
    expect(replyText(events).startsWith(`${result.json.persona.name} here.`)).toBe(true);

    // A second client signed in as the same user sees the same.
    const again = await api.request('POST', '/api/auth/login', { email, password: 'long enough pw' });
    const other = api.withToken(again.json.token);
    expect((await other.request('GET', '/api/me')).json.user.persona.id).toBe(result.json.persona.id);
    expect((await other.request('GET', '/api/survey/result?lang=en')).json.persona.id).toBe(
      result.json.persona.id,
    );
  });

  it('keeps the latest answer whatever order redelivered writes arrive in', async () => {
    const userId = randomUUID();
    const questionId = survey.questions[0]!.id;
    const sqs = createSqs({ SQS_ENDPOINT: stack.sqs.endpoint, AWS_REGION: 'us-east-1' });
    const message = (revision: number, value: number) =>
      JSON.stringify({
        v: 1,
        kind: 'survey.answers',
        userId,
        surveyVersion: survey.version,
        revision,
        answers: [{ questionId, value }],
        at: Date.now(),
      });
    for (const [revision, value] of [
      [2, 5],
      [1, 1],
      [2, 5],
      [1, 1],
    ] as const) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.queues.url,
          MessageBody: message(revision, value),
          MessageGroupId: userId,
          MessageDeduplicationId: randomUUID(),
        }),
      );
    }
    const marker = JSON.stringify({
      v: 1,
      kind: 'user.created',
      userId,
      displayName: 'marker',
      at: Date.now(),
    });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.url,
        MessageBody: marker,
        MessageGroupId: userId,
        MessageDeduplicationId: randomUUID(),
      }),
    );
    await eventually(
      () => stack.db.selectFrom('users').selectAll().where('id', '=', userId).execute(),
      (r) => r.length === 1,
    );
    const rows = await stack.db
      .selectFrom('survey_answers')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ value: 5, revision: 2 });
  });

  it('rejects bad answers with 4xx and enqueues nothing', async () => {
    const user = await createClient(stack.baseUrl).guest();
    const q = survey.questions[0]!;
    const cases: [unknown, number][] = [
      [{ answers: [{ questionId: 'nope', value: 1 }] }, 400],
      [{ answers: [{ questionId: q.id, value: 99 }] }, 400],
      [{ answers: [{ questionId: q.id, value: 2.5 }] }, 400],
      [{ answers: [{ questionId: q.id, value: '3' }] }, 400],
      [
        {
          answers: [
            { questionId: q.id, value: 1 },
            { questionId: q.id, value: 2 },
          ],
        },
        400,
      ],
      [{ version: survey.version + 1, answers: [{ questionId: q.id, value: 1 }] }, 409],
      [{ answers: [] }, 400],
      [{ answers: [{ questionId: q.id, value: 1 }], extra: true }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await user.request('PUT', '/api/survey/answers', body);
      expect.soft(res.status, JSON.stringify(body)).toBe(status);
      expect.soft(res.json.error.code).toEqual(expect.any(String));
    }
    const me = (await user.request('GET', '/api/me')).json.user.id;
    expect(
      await stack.redis.exists(`${stack.env.AIRA_PREFIX}:user:${me}:survey:v${survey.version}:latest`),
    ).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(
      await stack.db.selectFrom('survey_answers').selectAll().where('user_id', '=', me).execute(),
    ).toHaveLength(0);
  });
});
