import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:chaos`: the full fault-injection runs, one file per fault, one at a time (each
// starts its own stack, and some their own redis-server). Short variants of the same cases run
// with the integration tests (chaos.short.int.test.ts).
export default defineConfig({
  test: {
    name: 'chaos',
    root: resolve(import.meta.dirname, '../..'),
    include: ['test/chaos/**/*.chaos.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
