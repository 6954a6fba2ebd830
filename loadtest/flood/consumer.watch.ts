/** Asks now and then whether anyone consumes the flooded queue. */
export interface ConsumerWatch {
  /** Checks that got an answer, and how many of them found no worker. */
  counts(): { readonly checks: number; readonly idle: number };
  /** Whether the latest answer was "no worker". */
  idleNow(): boolean;
  close(): void;
}

export function watchConsumers(probe: () => Promise<number | null>, intervalMs: number): ConsumerWatch {
  let checks = 0;
  let idle = 0;
  let idleNow = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const workers = await probe().catch(() => null);
    if (closed) return;
    if (workers !== null) {
      checks += 1;
      idleNow = workers === 0;
      if (idleNow) idle += 1;
    }
    timer = setTimeout(check, intervalMs);
  };
  void check();
  return {
    counts: () => ({ checks, idle }),
    idleNow: () => idleNow,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
