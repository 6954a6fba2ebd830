import { defineConfig } from 'vitest/config';

// Two tiers: unit tests (`*.test.ts`) beside the code, no services needed; integration tests
// (`*.int.test.ts`) against the real Redis, MariaDB, SQLite and the SQS emulator.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{services,workers,shared,loadtest,scripts,observability,web}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{services,workers,shared,loadtest,scripts,test}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
