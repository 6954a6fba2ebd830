/** The counts one chaos case ends with: printed as a table, and checked by the test. */
export type ChaosCounts = Record<string, number>;

/** Prints a case's counts as one table row per case, with how long it took. */
export function printCounts(name: string, counts: ChaosCounts, startedAt: number): void {
  console.log(`chaos: ${name} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  console.table({ [name]: counts });
}

/** Rounds for the short variant run with the integration tests: CHAOS_ROUNDS, else `fallback`. */
export const chaosRounds = (fallback: number): number => {
  const value = Number(process.env.CHAOS_ROUNDS ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`CHAOS_ROUNDS must be a positive integer`);
  return value;
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Services log every injected fault as an error; the tables say what matters (TEST_LOG_LEVEL to see them). */
export const chaosLogLevel = process.env.TEST_LOG_LEVEL ?? 'fatal';
