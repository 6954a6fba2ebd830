import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../api/api.client';
import { memoryStorage } from '../app/storage';
import { createAnswerStore, type SaveStatus } from './survey.answers';

function fakeApi(failFirst = 0) {
  const puts: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failures = failFirst;
  const api = {
    async put(_path: string, body: unknown) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (failures > 0) {
        failures -= 1;
        throw new Error('offline');
      }
      puts.push(body);
      return { accepted: 1 };
    },
  } as unknown as ApiClient;
  return { api, puts, maxInFlight: () => maxInFlight };
}

describe('survey answer store', () => {
  it('coalesces quick changes to one question into one send of the latest value', async () => {
    const { api, puts } = fakeApi();
    const store = createAnswerStore({
      api,
      storage: memoryStorage(),
      userId: 'u',
      version: 2,
      onStatus: () => {},
    });
    store.set('q1', 1);
    store.set('q1', 2);
    store.set('q1', 5);
    await store.flush();
    expect(puts).toEqual([{ version: 2, answers: [{ questionId: 'q1', value: 5 }] }]);
  });

  it('never has two sends in flight, so a newer answer cannot be overtaken', async () => {
    const { api, puts, maxInFlight } = fakeApi();
    const store = createAnswerStore({
      api,
      storage: memoryStorage(),
      userId: 'u',
      version: 1,
      onStatus: () => {},
    });
    store.set('q1', 1);
    const first = store.flush();
    store.set('q1', 4);
    await Promise.all([first, store.flush()]);
    expect(maxInFlight()).toBe(1);
    expect(puts.at(-1)).toEqual({ version: 1, answers: [{ questionId: 'q1', value: 4 }] });
  });

  it('keeps a failed answer and sends it again, reporting the failure in between', async () => {
    const { api, puts } = fakeApi(1);
    const statuses: SaveStatus['state'][] = [];
    const store = createAnswerStore({
      api,
      storage: memoryStorage(),
      userId: 'u',
      version: 1,
      onStatus: (status) => statuses.push(status.state),
    });
    store.set('q7', 3);
    await expect(store.flush()).rejects.toThrow('offline');
    await store.flush();
    expect(puts).toEqual([{ version: 1, answers: [{ questionId: 'q7', value: 3 }] }]);
    expect(statuses).toEqual(['saving', 'failed', 'saving', 'saved']);
  });

  it('remembers answers in the tab for the same user and version only', () => {
    const storage = memoryStorage();
    const { api } = fakeApi();
    createAnswerStore({ api, storage, userId: 'u', version: 1, onStatus: () => {} }).set('q1', 4);
    expect(createAnswerStore({ api, storage, userId: 'u', version: 1, onStatus: () => {} }).get('q1')).toBe(
      4,
    );
    expect(
      createAnswerStore({ api, storage, userId: 'u', version: 2, onStatus: () => {} }).get('q1'),
    ).toBeUndefined();
    expect(
      createAnswerStore({ api, storage, userId: 'v', version: 1, onStatus: () => {} }).get('q1'),
    ).toBeUndefined();
  });
});
