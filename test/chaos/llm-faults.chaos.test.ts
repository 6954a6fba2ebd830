import { describe, it } from 'vitest';
import { llmFaults } from './cases/llm-faults.case';
import { expectLlmFaultsHandled } from './chaos.checks';

describe('chaos', () => {
  it('an LLM failing 60% of attempts, over 100 replies', async () => {
    expectLlmFaultsHandled(await llmFaults(100));
  });
});
