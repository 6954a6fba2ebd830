import type { Redis } from 'ioredis';
import type { Db } from '../../../shared/db/database';
import { listAnswers } from '../../../shared/db/survey-answers.repository';
import type { RedisKeys } from '../../../shared/redis/keys';
import { registerScripts } from '../../../shared/redis/scripts';
import type { WritesProducer } from '../../../shared/sqs/writes.producer';

/**
 * Survey answers on the request path. Redis remembers the latest revision the gateway accepted for
 * each question and the revision the writer has stored; comparing the two tells a result that is
 * still being saved (pending, answered from Redis alone, however often a client asks) from one that
 * is stored, which is then read from the database.
 */
export function createSurveyProgress(deps: {
  redis: Redis;
  keys: RedisKeys;
  db: Db;
  writes: WritesProducer;
  ttlSeconds: number;
}) {
  const { keys, db } = deps;
  const redis = registerScripts(deps.redis);
  return {
    async accept(
      userId: string,
      version: number,
      answers: { questionId: string; value: number }[],
    ): Promise<number> {
      const revision = await redis.acceptAnswers(
        keys.surveyRevision(userId),
        keys.surveyLatest(userId, version),
        keys.surveyStored(userId, version),
        Date.now(),
        deps.ttlSeconds,
        ...answers.map((a) => a.questionId),
      );
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
      const [accepted, storedInRedis] = await Promise.all([
        redis.hgetall(keys.surveyLatest(userId, version)),
        redis.hgetall(keys.surveyStored(userId, version)),
      ]);
      const acceptedIds = Object.keys(accepted);
      // The writer's record exists from the first accepted answer on: while it says some answer
      // is not stored yet, the result is pending (without it, the database decides).
      if (acceptedIds.length > 0 && Object.keys(storedInRedis).length > 0) {
        const persisted = acceptedIds.filter(
          (id) => Number(storedInRedis[id] ?? 0) >= Number(accepted[id]),
        ).length;
        if (persisted < acceptedIds.length) return { stored: [], persisted, total: acceptedIds.length };
      }
      const stored = await listAnswers(db, userId, version);
      const storedRevision = new Map(stored.map((a) => [a.question_id, Number(a.revision)]));
      const questions = new Set([...acceptedIds, ...storedRevision.keys()]);
      let persisted = 0;
      for (const id of questions) {
        if ((storedRevision.get(id) ?? 0) >= Number(accepted[id] ?? 0)) persisted += 1;
      }
      return { stored, persisted, total: questions.size };
    },
  };
}

export type SurveyProgress = ReturnType<typeof createSurveyProgress>;
