import type { ApiClient } from '../api/api.client';
import type { Survey, SurveyAnswer, User } from '../api/api.types';
import { readJson, removeKeysWithPrefix, writeJson } from '../app/storage';

const PREFIX = 'aira.survey.';

export type SaveStatus = { state: 'saving' } | { state: 'saved' } | { state: 'failed'; error: unknown };

export interface AnswerStore {
  get(questionId: string): number | undefined;
  /** Remembers the answer in this tab at once and sends it shortly after (changes are coalesced). */
  set(questionId: string, value: number): void;
  /** Sends anything unsent and resolves once the gateway accepted it all; rejects with the last failure. */
  flush(): Promise<void>;
  /** Sends what is left without waiting; for leaving the page. */
  dispose(): void;
}

export interface AnswerStoreDeps {
  api: ApiClient;
  storage: Storage;
  userId: User['id'];
  version: Survey['version'];
  onStatus: (status: SaveStatus) => void;
  /** How long to wait for more changes before sending; arrow keys in a radio group change it on every press. */
  delayMs?: number;
}

/**
 * Survey answers for one user and survey version. Sends are serialized: the gateway enqueues
 * answers in arrival order, so a late-arriving older PUT must never overtake a newer one.
 */
export function createAnswerStore(deps: AnswerStoreDeps): AnswerStore {
  const storageKey = `${PREFIX}${deps.userId}.${deps.version}`;
  const answers = readJson<Record<string, SurveyAnswer>>(deps.storage, storageKey) ?? {};
  const unsent = new Map<string, SurveyAnswer>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let lastError: unknown = null;

  function send(): Promise<void> {
    clearTimeout(timer);
    if (unsent.size === 0) return chain;
    const batch = [...unsent.values()];
    unsent.clear();
    deps.onStatus({ state: 'saving' });
    chain = chain.then(async () => {
      try {
        await deps.api.put('/api/survey/answers', { version: deps.version, answers: batch });
        lastError = null;
        if (unsent.size === 0) deps.onStatus({ state: 'saved' });
      } catch (error) {
        // Keep the failed answers for the next attempt unless a newer choice replaced them.
        for (const answer of batch) {
          const key = answer.questionId;
          if (!unsent.has(key)) unsent.set(key, answer);
        }
        lastError = error;
        deps.onStatus({ state: 'failed', error });
      }
    });
    return chain;
  }

  return {
    get: (questionId) => answers[questionId]?.value,
    set(questionId, value) {
      const answer = { questionId, value };
      answers[questionId] = answer;
      writeJson(deps.storage, storageKey, answers);
      unsent.set(questionId, answer);
      clearTimeout(timer);
      timer = setTimeout(() => void send(), deps.delayMs ?? 300);
    },
    async flush() {
      await send();
      if (lastError) throw lastError;
    },
    dispose() {
      void send();
    },
  };
}

/** Forgets every remembered answer in this tab (on log-out, so the next person starts clean). */
export function clearSurveyAnswers(storage: Storage): void {
  removeKeysWithPrefix(storage, PREFIX);
}
