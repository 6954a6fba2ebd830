import { defineConfig } from 'vitest/config';

// Synthesizing the stack takes a few seconds, so each test file builds it once and shares it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
