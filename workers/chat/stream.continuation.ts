/**
 * What a retried attempt should write to a reply stream that an earlier attempt already began.
 * While the new text repeats what was streamed, nothing is written (the client keeps what it has);
 * once it goes past, only the new part is written; if it ever differs, the stream gets one `reset`
 * and the whole new text, so the client still ends with exactly one complete reply.
 */
export function createContinuation(alreadyStreamed: string) {
  let generated = '';
  let streamedLength = 0;
  let diverged = alreadyStreamed.length === 0;

  return {
    /** Adds generated text; returns what to write, and whether a reset must precede it. */
    next(text: string): { reset: boolean; write: string } {
      generated += text;
      if (diverged) {
        const write = generated.slice(streamedLength);
        streamedLength = generated.length;
        return { reset: false, write };
      }
      const common = Math.min(generated.length, alreadyStreamed.length);
      if (generated.slice(0, common) !== alreadyStreamed.slice(0, common)) {
        diverged = true;
        streamedLength = generated.length;
        return { reset: true, write: generated };
      }
      if (generated.length <= alreadyStreamed.length) return { reset: false, write: '' };
      const write = generated.slice(Math.max(streamedLength, alreadyStreamed.length));
      streamedLength = generated.length;
      return { reset: false, write };
    },
    /** The text the client holds once everything written so far is applied. */
    get text() {
      return diverged || generated.length >= alreadyStreamed.length ? generated : alreadyStreamed;
    },
    get generated() {
      return generated;
    },
    /** Whether the stream holds text the new attempt never produced (a reset is due before done). */
    get needsResetAtEnd() {
      return !diverged && generated.length < alreadyStreamed.length;
    },
  };
}
