import { describe, expect, it } from 'vitest';
import { checkSettingsPatch, defaultSimSettings, loadLlmSimEnv } from './llm-sim.config';

describe('loadLlmSimEnv', () => {
  it('uses the documented defaults', () => {
    const env = loadLlmSimEnv({});
    expect(env).toMatchObject({ port: 8090, host: '127.0.0.1', apiKey: undefined, model: 'aira-sim' });
    expect(env.settings).toEqual({
      ttftMs: 150,
      itlMs: 20,
      jitter: 0.2,
      maxConcurrency: 256,
      maxQueue: 1024,
      rate429: 0,
      rate500: 0,
      rateCut: 0,
      seed: 42,
      maxTokens: 120,
      requestsPerMinute: null,
      tokensPerMinute: null,
    });
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.settings)).toBe(true);
  });

  it('reads every variable', () => {
    const env = loadLlmSimEnv({
      LLM_SIM_PORT: '0',
      LLM_SIM_TTFT_MS: '5',
      LLM_SIM_ITL_MS: '1.5',
      LLM_SIM_JITTER: '0',
      LLM_SIM_MAX_CONCURRENCY: '2',
      LLM_SIM_MAX_QUEUE: '0',
      LLM_SIM_RATE_429: '0.1',
      LLM_SIM_RATE_500: '0.2',
      LLM_SIM_RATE_CUT: '0.3',
      LLM_SIM_SEED: '7',
      LLM_SIM_MAX_TOKENS: '30',
      LLM_SIM_RPM: '20',
      LLM_SIM_TPM: '40000',
      LLM_SIM_API_KEY: 'sk-test',
    });
    expect(env.port).toBe(0);
    expect(env.apiKey).toBe('sk-test');
    expect(env.settings).toEqual({
      ttftMs: 5,
      itlMs: 1.5,
      jitter: 0,
      maxConcurrency: 2,
      maxQueue: 0,
      rate429: 0.1,
      rate500: 0.2,
      rateCut: 0.3,
      seed: 7,
      maxTokens: 30,
      requestsPerMinute: 20,
      tokensPerMinute: 40_000,
    });
  });

  it.each([
    ['LLM_SIM_TTFT_MS', 'fast'],
    ['LLM_SIM_TTFT_MS', ''],
    ['LLM_SIM_ITL_MS', '-1'],
    ['LLM_SIM_JITTER', '1.5'],
    ['LLM_SIM_MAX_CONCURRENCY', '0'],
    ['LLM_SIM_MAX_CONCURRENCY', '2.5'],
    ['LLM_SIM_RATE_CUT', '2'],
    ['LLM_SIM_MAX_TOKENS', '0'],
    ['LLM_SIM_PORT', '70000'],
    ['LLM_SIM_RPM', '0'],
    ['LLM_SIM_TPM', '1.5'],
  ])('rejects %s=%j naming the variable', (name, value) => {
    expect(() => loadLlmSimEnv({ [name]: value })).toThrow(name);
  });
});

describe('checkSettingsPatch', () => {
  it('accepts a valid partial and reports each bad field', () => {
    expect(checkSettingsPatch({ ttftMs: 0, rate429: 1 })).toEqual([]);
    expect(checkSettingsPatch({ requestsPerMinute: 20, tokensPerMinute: null })).toEqual([]);
    const problems = checkSettingsPatch({ ttftMs: -1, colour: 'red' });
    expect(problems.some((p) => p.startsWith('ttftMs'))).toBe(true);
    expect(problems.some((p) => p.startsWith('colour'))).toBe(true);
    expect(checkSettingsPatch(defaultSimSettings)).toEqual([]);
  });
});
