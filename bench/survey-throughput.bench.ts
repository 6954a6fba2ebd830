import { randomUUID } from 'node:crypto';
import { createHttpClient } from '../loadtest/http/http.client';
import { createDb } from '../shared/db/database';
import { upsertAnswers } from '../shared/db/survey-answers.repository';
import { survey } from '../shared/survey/survey';
import { createTestDatabase, type Dialect } from '../test/harness/databases';
import { inBatches } from './bench.pool';
import { loadAverage, writeSection } from './bench.report';
import { startBenchStack } from './bench.stack';

const dialectName = { sqlite: 'SQLite', mysql: 'MariaDB' } as const;

/** How often a waiting client asks for its result (the web app asks every 600 ms). */
const pollMs = 100;

/**
 * Survey answers persisted per second, the way a person sees it: N new guests each send all their
 * answers in one request, at once, then ask for their result until it is 200 (the gateway answers
 * 200 only once the database holds every answer); the clock stops at the last 200.
 */
async function endToEnd(database: Dialect, users: number) {
  const db = database === 'mysql' ? await createTestDatabase('mysql') : undefined;
  const stack = await startBenchStack(db ? { DATABASE_URL: db.url } : {});
  // The load tool's HTTP client: keep-alive connections, as browsers keep theirs.
  const http = createHttpClient({ origin: stack.baseUrl, connections: 256, requestTimeoutMs: 120_000 });
  const signal = new AbortController().signal;
  try {
    process.stderr.write(`survey-throughput: ${dialectName[database]}: ${users} guests\n`);
    const tokens = await inBatches(Array.from({ length: users }), 64, async () => {
      const res = await http.json({ method: 'POST', path: '/api/auth/guest', expect: [201], signal });
      return (res.json as { token: string }).token;
    });
    // The guests' own writes (user.created) reach the database first, so the clock measures answers.
    await new Promise((r) => setTimeout(r, 3000));
    const answers = survey.questions.map((q) => ({ questionId: q.id, value: q.options[0]!.value }));
    const load = loadAverage();
    const started = performance.now();
    const accepted: number[] = [];
    const stored: number[] = [];
    await Promise.all(
      tokens.map(async (token) => {
        await http.json({
          method: 'PUT',
          path: '/api/survey/answers',
          token,
          body: { answers },
          expect: [202],
          signal,
        });
        accepted.push(performance.now() - started);
        for (;;) {
          const result = await http.json({
            method: 'GET',
            path: '/api/survey/result',
            token,
            expect: [200, 202],
            signal,
          });
          if (result.status === 200) break;
          if (performance.now() - started > 120_000) throw new Error('results still pending after 120 s');
          await new Promise((r) => setTimeout(r, pollMs));
        }
        stored.push(performance.now() - started);
      }),
    );
    const seconds = Math.max(...stored) / 1000;
    const total = users * answers.length;
    return {
      total,
      seconds,
      perSecond: total / seconds,
      acceptedMs: Math.max(...accepted),
      load,
    };
  } finally {
    await http.close();
    await stack.stop();
    await db?.drop();
  }
}

/** The writer's one-statement batches against one row per statement, on the same database. */
async function batchedVsOneRow(database: Dialect, rows: number) {
  const created = await createTestDatabase(database);
  const db = createDb({ url: created.url, dataDir: created.dataDir });
  try {
    const { migrateToLatest } = await import('../shared/db/database');
    await migrateToLatest(db);
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
      await db.transaction().execute((tx) => upsertAnswers(tx, batched.slice(i, i + 150)));
    }
    const batchedSeconds = (performance.now() - t) / 1000;
    const single = make();
    t = performance.now();
    for (const row of single) await upsertAnswers(db, [row]);
    const singleSeconds = (performance.now() - t) / 1000;
    return { batched: rows / batchedSeconds, single: rows / singleSeconds };
  } finally {
    await db.destroy();
    await created.drop();
  }
}

export async function surveyThroughputBench(opts: { users?: number } = {}) {
  const users = opts.users ?? 1000;
  const lines: string[] = [
    '| database | answers | all 202 after | all results 200 after | answers/s end to end | batched rows/s | one-row rows/s | batched ÷ one-row | load average |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const results: Record<string, { perSecond: number; ratio: number }> = {};
  for (const database of ['sqlite', 'mysql'] as const) {
    const e2e = await endToEnd(database, users);
    process.stderr.write(`survey-throughput: ${dialectName[database]}: batched vs one-row\n`);
    const writes = await batchedVsOneRow(database, 3000);
    const ratio = writes.batched / writes.single;
    results[database] = { perSecond: e2e.perSecond, ratio };
    lines.push(
      `| ${dialectName[database]} | ${e2e.total} | ${(e2e.acceptedMs / 1000).toFixed(2)} s | ${e2e.seconds.toFixed(2)} s | **${Math.round(e2e.perSecond)}** | ${Math.round(writes.batched)} | ${Math.round(writes.single)} | **${ratio.toFixed(1)}×** | ${e2e.load.toFixed(1)} |`,
    );
  }
  const body = [
    `${users} new guests each send all ${survey.questions.length} answers in one \`PUT /api/survey/answers\`, at once (the load tool's HTTP client, 256 keep-alive connections), against \`npm start\` with its defaults (SQLite, or MariaDB through \`DATABASE_URL\`); each then asks \`GET /api/survey/result\` every ${pollMs} ms (the web app: every 600 ms) until it answers 200, which the gateway does only once the database holds every one of that user's answers. The clock starts before the first PUT and stops at the last 200.`,
    'The writer comparison upserts 3,000 answer rows through the same repository function: 150 rows per statement (a batch of 10 messages) against one row per statement.',
    '',
    ...lines,
    '',
    `Targets: ≥ 10,000 answers/s end to end; batched ≥ 10× one-row. ${Object.entries(results)
      .map(
        ([db, r]) =>
          `${dialectName[db as Dialect]}: ${r.perSecond >= 10_000 ? 'met' : `end to end **missed** by ${Math.round(10_000 - r.perSecond)}/s`}, ${r.ratio >= 10 ? 'batching met' : `batching missed (${r.ratio.toFixed(1)}×)`}`,
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
  return results;
}
