/**
 * Groups streamed tokens for the reply stream: the first token goes out at once (time to first
 * token is what a person feels), later ones in batches at most `intervalMs` apart, so a fast model
 * does not cost one Redis write per token.
 */
export function createTokenBatcher(opts: {
  intervalMs: number;
  flush: (text: string) => Promise<void> | void;
}) {
  let buffer = '';
  let first = true;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;

  const emit = () => {
    timer = undefined;
    if (!buffer) return;
    const text = buffer;
    buffer = '';
    chain = chain
      .then(() => opts.flush(text))
      .catch((error) => {
        failure ??= error;
      });
  };

  return {
    push(text: string) {
      if (failure) throw failure;
      if (!text) return;
      buffer += text;
      if (first || opts.intervalMs === 0) {
        first = false;
        emit();
      } else {
        timer ??= setTimeout(emit, opts.intervalMs);
      }
    },
    /** Writes whatever is buffered and waits until every batch is in the stream. */
    async drain() {
      if (timer) clearTimeout(timer);
      emit();
      await chain;
      if (failure) throw failure;
    },
    /** Drops the pending timer without writing (the reply is being discarded). */
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
