import { MESSAGE_MAX_CHARS_DEFAULT } from '../../../services/gateway/http.limits';

/** The gateway's default limit; one configured otherwise names its own in `field_too_long`'s `limit`. */
export const MESSAGE_MAX_CHARS = MESSAGE_MAX_CHARS_DEFAULT;

/** Where the counter appears: far enough from the limit that nobody is nagged, near enough to plan. */
const NEAR = 0.8;

/** A message's length as the gateway counts it: code points of the trimmed text. */
export function messageLength(text: string): number {
  return [...text.trim()].length;
}

export type CounterState = 'hidden' | 'near' | 'over';

export function counterState(length: number, max = MESSAGE_MAX_CHARS): CounterState {
  if (length > max) return 'over';
  return length >= max * NEAR ? 'near' : 'hidden';
}
