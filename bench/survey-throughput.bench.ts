import { randomUUID } from 'node:crypto';
import { upsertAnswers } from '../shared/db/survey-answers.repository';
import { survey } from '../shared/survey/survey';
import { createClient } from '../test/harness/client';
import type { Dialect } from '../test/harness/databases';
import { startStack } from '../test/harness/stack';
import { writeSection } from './bench.report';

/** Answers persisted per second end to end: HTTP → SQS → writer → database. */
async function endToEnd(database: Dialect, users: number) {
  const stack = await startStack({ database, chatWorkers: 0, writerWorkers: 2 });
  try {
    const api = createClient(stack.baseUrl);
    const clients = await Promise.all(Array.from({ length: users }, () => api.guest()));
    const answers = survey.questions.map((q) => ({ questionId: q.id, value: q.options[0]!.value }));
    const total = users * answers.length;
    const started = performance.now();
    await Promise.all(clients.map((c) => c.request('PUT', '/api/survey/answers', { answers })));
    const accepted = performance.now() - started;
    let stored = 0;
    while (stored < total) {
      await new Promise((r) => setTimeout(r, 50));
      const row = await stack.db
        .selectFrom('survey_answers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      stored = Number(row?.n ?? 0);
      if (performance.now() - started > 120_000)
        throw new Error(`only ${stored}/${total} answers stored in 120 s`);
    }
    const seconds = (performance.now() - started) / 1000;
    return { total, seconds, perSecond: total / seconds, acceptedMs: accepted };
  } finally {
    await stack.stop();
  }
}

/** The writer's one-statement batches against one row per statement, on the same database. */
async function batchedVsOneRow(database: Dialect, rows: number) {
  const stack = await startStack({ database, chatWorkers: 0, writerWorkers: 0 });
  try {
    const make = () =>
      Array.from({ length: rows }, (_, i) => ({
        user_id: randomUUID(),
        survey_version: survey.version,
        question_id: survey.questions[i % survey.questions.length]!.id,
        value: 3,
        revision: 1,
        updated_at: Date.now(),
      }));
    const batched = make();
    let t = performance.now();
    for (let i = 0; i < batched.length; i += 150) {
      await stack.db.transaction().execute((tx) => upsertAnswers(tx, batched.slice(i, i + 150)));
    }
    const batchedSeconds = (performance.now() - t) / 1000;
    const single = make();
    t = performance.now();
    for (const row of single) await upsertAnswers(stack.db, [row]);
    const singleSeconds = (performance.now() - t) / 1000;
    return { batched: rows / batchedSeconds, single: rows / singleSeconds };
  } finally {
    await stack.stop();
  }
}

export async function surveyThroughputBench() {
  const lines: string[] = [
    '| database | answers | end to end | answers/s end to end | batched rows/s | one-row rows/s | batched ÷ one-row |',
    '|---|---|---|---|---|---|---|',
  ];
  const results: Record<string, { perSecond: number; ratio: number }> = {};
  for (const database of ['sqlite', 'mysql'] as const) {
    process.stderr.write(`survey-throughput: ${database} end to end\n`);
    const e2e = await endToEnd(database, 300);
    process.stderr.write(`survey-throughput: ${database} batched vs one-row\n`);
    const writes = await batchedVsOneRow(database, 3000);
    const ratio = writes.batched / writes.single;
    results[database] = { perSecond: e2e.perSecond, ratio };
    lines.push(
      `| ${database === 'mysql' ? 'MariaDB' : 'SQLite'} | ${e2e.total} | ${e2e.seconds.toFixed(2)} s | **${Math.round(e2e.perSecond)}** | ${Math.round(writes.batched)} | ${Math.round(writes.single)} | **${ratio.toFixed(1)}×** |`,
    );
  }
  const body = [
    '300 users each send all their answers in one request, at once; the clock stops when the database holds every answer.',
    'The writer comparison upserts 3,000 answer rows through the same repository function: 150 rows per statement (what the writer does with a batch of 10 messages) against one row per statement.',
    '',
    ...lines,
    '',
    `Targets: ≥ 3,000 answers/s end to end; batched ≥ 10× one-row. ${Object.entries(results)
      .map(
        ([db, r]) =>
          `${db}: ${r.perSecond >= 3000 ? 'met' : `end to end missed by ${Math.round(3000 - r.perSecond)}/s`}, ${r.ratio >= 10 ? 'batching met' : `batching missed (${r.ratio.toFixed(1)}×)`}`,
      )
      .join('; ')}.`,
  ].join('\n');
  console.log(body);
  writeSection(
    'survey-throughput',
    'Survey answers persisted per second',
    'npm run bench -- survey-throughput',
    body,
  );
}
