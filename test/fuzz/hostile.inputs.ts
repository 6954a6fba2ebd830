import fc from 'fast-check';
import { anyString, oddString } from './schema.arbitraries';

// Inputs that are wrong on purpose, whatever the route: mis-encoded path segments, broken JSON,
// odd content types, malformed credentials and headers.

/** Percent-encodes a string's UTF-8 bytes; a lone surrogate becomes U+FFFD as any browser would send it. */
export function encodeSegment(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Header values must be Latin-1 without CR, LF or NUL; anything else cannot be sent at all. */
export const headerSafe = (s: string) =>
  [...s]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) <= 0xff && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();

/** Path segments that are not ids: mis-encoded, empty, traversal, huge, or ids with something extra. */
export const badSegment = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '%',
    '%zz',
    '%00',
    '%ED%A0%80',
    '%C0%AF',
    '%2F',
    '..',
    '.',
    'null',
    'undefined',
    '%5Bobject%20Object%5D',
    '0',
    '-1',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'urn:uuid:00000000-0000-4000-8000-000000000000',
  ),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => `${u}x`),
  fc.uuid().map((u) => `${u}%00`),
  fc.uuid().map((u) => `%20${u}`),
  fc.nat({ max: 20_000 }).map((n) => 'a'.repeat(n + 1)),
  oddString.map(encodeSegment),
);

export const queryTail = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('&lang=ko&lang=en', '&', '&=', '&a=%', '&__proto__=1', '&a[b]=c') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(anyString([]), anyString([]))
      .map(([k, v]) => `&${encodeSegment(k)}=${encodeSegment(v)}`),
  },
);

export const contentTypes = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/vnd.api+json',
      'application/json;;;',
      'application/json, text/plain',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'a/b/c',
      '',
    ),
  },
);

/** Bodies that are not JSON, or JSON with a trap in it. */
export const rawText = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '}',
    '{"content":',
    '{"content": "hi",}',
    "{'content': 'hi'}",
    '{"content": NaN}',
    '{"content": "\\ud800"}',
    '{"content": "a", "content": 5}',
    '{"__proto__": {"admin": true}, "content": "hi"}',
    '{"constructor": {"prototype": {"admin": true}}}',
    'null',
    'true',
    '0',
    '"string"',
    '[]',
    '\ufeff{"content":"hi"}',
    '{"answers":[{"questionId":"q1","value":1e400}]}',
  ),
  fc.nat({ max: 30_000 }).map((n) => `${'['.repeat(n + 1)}${']'.repeat(n + 1)}`),
  fc.nat({ max: 10_000 }).map((n) => `${'{"a":'.repeat(n + 1)}1${'}'.repeat(n + 1)}`),
  fc.jsonValue().map((v) => JSON.stringify(v)?.slice(0, -1) ?? ''),
  anyString([]),
);

export const invalidUtf8 = fc
  .tuple(
    fc.constantFrom<number[]>([0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xfe, 0xff], [0xe2, 0x82], [0x00]),
    fc.boolean(),
  )
  .map(([bad, wrap]): number[] =>
    wrap ? [...Buffer.from('{"content":"'), ...bad, ...Buffer.from('"}')] : bad,
  );

export const rawCredential = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer  ',
    'Basic dXNlcjpwYXNz',
    'Bearer a b',
    'Token x',
    'Bearer null',
  ),
  fc.string({ minLength: 43, maxLength: 43 }).map((s) => `Bearer ${s}`),
  fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((s) => `Bearer ${s}`),
  fc.nat({ max: 8000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
  oddString,
);

export const extraHeaders = fc.record(
  {
    'accept-language': fc.oneof(fc.constantFrom('ko', 'en-US,en;q=0.9', '*', ',,,', 'xx'), oddString),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', '::1', '999.999.999.999'),
    origin: fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1'),
    accept: fc.constantFrom('text/event-stream', '*/*', 'application/xml', 'garbage'),
    'last-event-id': fc.oneof(
      fc.constantFrom('0-0', '1-1', '99999999999999999999-99999999999999999999'),
      oddString,
    ),
  },
  { requiredKeys: [] },
);
