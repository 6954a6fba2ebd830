import type { Redis } from 'ioredis';
import type { Db } from '../../../shared/db/database';
import { listAnswers } from '../../../shared/db/survey-answers.repository';
import type { RedisKeys } from '../../../shared/redis/keys';
import type { WritesProducer } from '../../../shared/sqs/writes.producer';

/**
 * Survey answers on the request path. Redis remembers the latest revision the gateway accepted for
 * each question; the database holds the revision the writer has stored. Comparing the two tells a
 * result that is still being saved (pending) from one that is complete or incomplete.
 */
export function createSurveyProgress(deps: {
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  writes: WritesProducer;
  ttlSeconds: number;
}) {
  const { redis, keys, db } = deps;
  return {
    async accept(
      userId: string,
      version: number,
      answers: { questionId: string; value: number }[],
    ): Promise<number> {
      // Clock-based, so a revision stays higher than any stored one even if Redis forgets the
      // counter; the counter orders requests within the same millisecond.
      const revision = Date.now() * 1000 + ((await redis.incr(keys.surveyRevision(userId))) % 1000);
      const latest = keys.surveyLatest(userId, version);
      await redis
        .multi()
        .hset(latest, Object.fromEntries(answers.map((a) => [a.questionId, revision])))
        .expire(latest, deps.ttlSeconds)
        .expire(keys.surveyRevision(userId), deps.ttlSeconds)
        .exec();
      await deps.writes.send({
        v: 1,
        kind: 'survey.answers',
        userId,
        surveyVersion: version,
        revision,
        answers,
        at: Date.now(),
      });
      return revision;
    },

    /** The stored answers, and how many accepted answers are not stored yet. */
    async state(userId: string, version: number) {
      const accepted = await redis.hgetall(keys.surveyLatest(userId, version));
      const stored = await listAnswers(db, userId, version);
      const storedRevision = new Map(stored.map((a) => [a.question_id, Number(a.revision)]));
      const questions = new Set([...Object.keys(accepted), ...storedRevision.keys()]);
      let persisted = 0;
      for (const id of questions) {
        if ((storedRevision.get(id) ?? 0) >= Number(accepted[id] ?? 0)) persisted += 1;
      }
      return { stored, persisted, total: questions.size };
    },
  };
}

export type SurveyProgress = ReturnType<typeof createSurveyProgress>;
