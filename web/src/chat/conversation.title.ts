import { TITLE_MAX_CHARS } from '../../../services/gateway/http.limits';

/** Long enough to tell conversations apart in the list, short enough for one line on a phone. */
export const TITLE_CHARS = 30;

/**
 * A conversation's title from its first message: the first line that has text, white space
 * folded, cut at a word boundary when one is near, else after TITLE_CHARS characters as a
 * person sees them (grapheme clusters, so an emoji or a Hangul syllable is never split), and
 * never over the server's limit in code points.
 */
export function titleFromMessage(text: string, max = TITLE_CHARS): string {
  const line =
    text
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .find((l) => l !== '') ?? '';
  const kept: string[] = [];
  let codePoints = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(line)) {
    const size = [...segment].length;
    // One code point stays free for the ellipsis.
    if (kept.length === max || codePoints + size > TITLE_MAX_CHARS - 1) break;
    kept.push(segment);
    codePoints += size;
  }
  const cut = kept.join('');
  if (cut === line) return line;
  const space = cut.lastIndexOf(' ');
  // Cut at the last space when it keeps most of the text; Korean phrases are short, so this is usually one.
  return `${(space >= cut.length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
