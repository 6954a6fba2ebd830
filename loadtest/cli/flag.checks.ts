import { parseDuration } from '../engine/duration.parse';

/** A bad flag: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export function positive(text: string, flag: string, { integer = true, allowZero = false } = {}): number {
  const n = Number(text);
  const ok = Number.isFinite(n) && (allowZero ? n >= 0 : n > 0) && (!integer || Number.isInteger(n));
  if (!ok || text.trim() === '') {
    throw new UsageError(
      `--${flag}: "${text}" must be a ${integer ? 'whole ' : ''}number ${allowZero ? '≥ 0' : '> 0'}`,
    );
  }
  return n;
}

export function duration(text: string, flag: string): number {
  try {
    return parseDuration(text, `--${flag}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function checkUrl(
  text: string,
  flag: string,
  protocols: readonly string[],
  allowRemote: boolean,
): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--${flag}: "${text}" is not a URL`);
  }
  if (!protocols.includes(url.protocol))
    throw new UsageError(`--${flag}: use ${protocols.join(' or ')} URLs`);
  if (!allowRemote && !LOOPBACK.has(url.hostname)) {
    throw new UsageError(
      `--${flag}: ${url.hostname} is not loopback; pass --allow-remote to load another host`,
    );
  }
  return url;
}
