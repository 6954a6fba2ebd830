/**
 * Redis at maxmemory with `noeviction` (the only policy Aira runs with: see eviction.check.ts)
 * refuses every command that would add data, until memory is freed or maxmemory raised. Reads,
 * deletes and expiries still work, and a script fails at its first write before changing
 * anything, so a refused step can simply be tried again.
 */

const oom = /^OOM command not allowed/;

/** Redis refused a write at maxmemory, alone or as the reason a MULTI was discarded (EXECABORT). */
export function isRedisFull(error: unknown): boolean {
  const e = error as { message?: string; previousErrors?: { message?: string }[] } | undefined;
  return oom.test(e?.message ?? '') || (e?.previousErrors ?? []).some((p) => oom.test(p?.message ?? ''));
}

/**
 * Runs `step` again while Redis is full, backing off up to a second between tries, for at most
 * `forMs`; any other error, or Redis still full after `forMs`, is thrown.
 */
export async function retryWhileFull<T>(step: () => Promise<T>, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let tries = 0; ; tries++) {
    try {
      return await step();
    } catch (error) {
      if (!isRedisFull(error) || Date.now() >= deadline) throw error;
      const pause = Math.min(1000, 50 * 2 ** tries, deadline - Date.now());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
