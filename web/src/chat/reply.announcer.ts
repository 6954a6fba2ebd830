/**
 * Speaks a streamed reply through a polite live region a sentence at a time: announcing every
 * token would flood a screen reader, announcing only the end would leave its user waiting.
 */
export interface ReplyAnnouncer {
  update(text: string): void;
  finish(text: string, status: string): void;
}

const SENTENCE_END = /[.!?。！？\n]/g;

export function createReplyAnnouncer(region: HTMLElement): ReplyAnnouncer {
  let spoken = 0;
  function say(text: string) {
    const plain = text.replace(/[*_`#>]+/g, '').trim();
    if (plain) region.textContent = plain;
  }
  return {
    update(text) {
      if (text.length < spoken) spoken = 0;
      let end = -1;
      for (const match of text.slice(spoken).matchAll(SENTENCE_END)) end = spoken + match.index + 1;
      if (end > spoken) {
        say(text.slice(spoken, end));
        spoken = end;
      }
    },
    finish(text, status) {
      say(`${text.slice(Math.min(spoken, text.length))} ${status}`);
      spoken = text.length;
    },
  };
}
