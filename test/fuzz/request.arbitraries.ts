import fc from 'fast-check';
import type { Operation, Param } from './openapi.operations';
import { anyString, nearlyValid, oddString, validValue, wrongValue } from './schema.arbitraries';

/** What the fuzzer knows of the running API: ids and strings that reach past validation. */
export interface FuzzWorld {
  /** Ids by path parameter name; each list holds the caller's own ids and another user's. */
  ids: Record<string, string[]>;
  /** Strings the API uses: question ids, a real e-mail and password, stream ids, languages. */
  words: string[];
  /** Bodies each operation accepts (by operation key), like OpenAPI examples, so fuzzing gets past validation. */
  examples: Record<string, unknown[]>;
}

/**
 * Who a request claims to be. `own` and `other` are real sessions (another user's, for the
 * isolation half of the property); the rest are missing, dead or malformed credentials.
 */
export type AuthKind =
  | 'own'
  | 'other'
  | 'none'
  | 'expired'
  | 'cookie-own'
  | 'lowercase-scheme'
  | 'raw-header'
  | 'raw-cookie';

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] }
  /** A body over the size limit, built when sent so counterexamples stay short. */
  | { kind: 'huge'; bytes: number; json: boolean };

export interface RequestPlan {
  /** The row the request is counted in: the operation, or a wrong method / unknown path on it. */
  route: string;
  method: string;
  /** Path and query, already percent-encoded (or deliberately mis-encoded). */
  path: string;
  auth: AuthKind;
  rawAuth?: string;
  headers: Record<string, string>;
  contentType?: string;
  body: BodyPlan;
}

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
const headerSafe = (s: string) =>
  [...s]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) <= 0xff && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();

/** Path segments that are not ids: mis-encoded, empty, traversal, huge, or ids with something extra. */
const badSegment = fc.oneof(
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

function paramValue(param: Param, world: FuzzWorld): fc.Arbitrary<string> {
  const known = world.ids[param.name] ?? [];
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: badSegment },
    { weight: 1, arbitrary: fc.uuid() },
  ];
  if (known.length) options.push({ weight: 6, arbitrary: fc.constantFrom(...known) });
  return fc.oneof(...options);
}

function queryValue(param: Param, world: FuzzWorld): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    validValue(param.schema, world.words).map((v) => encodeSegment(String(v))),
    nearlyValid(param.schema, world.words).map((v) =>
      encodeSegment(typeof v === 'string' ? v : JSON.stringify(v)),
    ),
    fc.constantFrom('', '%', '%zz', '%00', '%ED%A0%80'),
  );
}

const queryTail = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('&lang=ko&lang=en', '&', '&=', '&a=%', '&__proto__=1', '&a[b]=c') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(anyString([]), anyString([]))
      .map(([k, v]) => `&${encodeSegment(k)}=${encodeSegment(v)}`),
  },
);

const contentTypes = fc.oneof(
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
const rawText = fc.oneof(
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

const invalidUtf8 = fc
  .tuple(
    fc.constantFrom<number[]>([0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xfe, 0xff], [0xe2, 0x82], [0x00]),
    fc.boolean(),
  )
  .map(([bad, wrap]): number[] =>
    wrap ? [...Buffer.from('{"content":"'), ...bad, ...Buffer.from('"}')] : bad,
  );

function bodyFor(op: Operation, world: FuzzWorld): fc.Arbitrary<BodyPlan> {
  const schema = op.body;
  const bodies: fc.WeightedArbitrary<BodyPlan>[] = [
    { weight: schema ? 1 : 8, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 2, arbitrary: rawText.map((text) => ({ kind: 'text' as const, text })) },
    { weight: 1, arbitrary: invalidUtf8.map((bytes) => ({ kind: 'bytes' as const, bytes })) },
    { weight: 1, arbitrary: wrongValue.map((value) => ({ kind: 'json' as const, value })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ bytes: fc.integer({ min: 60_000, max: 400_000 }), json: fc.boolean() })
        .map((h) => ({ kind: 'huge' as const, ...h })),
    },
  ];
  const examples = world.examples[op.key] ?? [];
  if (examples.length) {
    bodies.push({
      weight: 6,
      arbitrary: fc.constantFrom(...examples).map((value) => ({ kind: 'json' as const, value })),
    });
  }
  if (schema) {
    bodies.push(
      {
        weight: 6,
        arbitrary: validValue(schema, world.words).map((value) => ({ kind: 'json' as const, value })),
      },
      {
        weight: 6,
        arbitrary: nearlyValid(schema, world.words).map((value) => ({ kind: 'json' as const, value })),
      },
    );
  }
  return fc.oneof(...bodies);
}

const authKinds = fc.oneof(
  { weight: 8, arbitrary: fc.constant<AuthKind>('own') },
  { weight: 3, arbitrary: fc.constant<AuthKind>('other') },
  {
    weight: 4,
    arbitrary: fc.constantFrom<AuthKind>(
      'none',
      'expired',
      'cookie-own',
      'lowercase-scheme',
      'raw-header',
      'raw-cookie',
    ),
  },
);

const rawCredential = fc.oneof(
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

const extraHeaders = fc.record(
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

const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/**
 * One request against `op`: mostly its own method and path, sometimes a method no operation on
 * that path has, or a bent path.
 */
export function requestFor(op: Operation, world: FuzzWorld, all: Operation[]): fc.Arbitrary<RequestPlan> {
  const documented = new Set(all.filter((o) => o.path === op.path).map((o) => o.method));
  const params = fc.tuple(...op.pathParams.map((p) => paramValue(p, world)));
  const query = fc.tuple(...op.query.map((p) => queryValue(p, world)));
  const declaredHeaders = fc.tuple(
    ...op.headers.map((p) =>
      fc.oneof(
        fc.constant(undefined),
        validValue(p.schema, world.words).map((v) => headerSafe(String(v))),
        nearlyValid(p.schema, world.words).map((v) =>
          headerSafe(typeof v === 'string' ? v : JSON.stringify(v)),
        ),
      ),
    ),
  );
  const variant = fc.oneof(
    { weight: 20, arbitrary: fc.constant<'none' | 'method' | 'path'>('none') },
    { weight: 1, arbitrary: fc.constant<'method'>('method') },
    { weight: 1, arbitrary: fc.constant<'path'>('path') },
  );
  const pathBend = fc.constantFrom(
    (p: string) => `${p}/`,
    (p: string) => `${p}/extra`,
    (p: string) => p.toUpperCase(),
    (p: string) => p.replace('/api/', '//api//'),
    (p: string) => p.replace('/api/', '/api/../api/'),
    (p: string) => `${p}%2F..`,
  );
  return fc
    .record({
      params,
      query,
      declaredHeaders,
      queryTail,
      extra: extraHeaders,
      auth: authKinds,
      rawAuth: rawCredential,
      contentType: contentTypes,
      body: bodyFor(op, world),
      variant,
      otherMethod: fc.constantFrom(...otherMethods.filter((m) => !documented.has(m))),
      bend: pathBend,
    })
    .map((r) => {
      let path = op.path;
      op.pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, r.params[i] ?? '');
      });
      const pairs = op.query.flatMap((p, i) =>
        r.query[i] === undefined ? [] : [`${encodeSegment(p.name)}=${r.query[i]}`],
      );
      const queryString = `${pairs.join('&')}${r.queryTail}`;
      if (r.variant === 'path') path = r.bend(path);
      if (queryString) path += `?${queryString.replace(/^&/, '')}`;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.extra)) if (v !== undefined) headers[k] = headerSafe(v);
      op.headers.forEach((p, i) => {
        const v = r.declaredHeaders[i];
        if (v !== undefined) headers[p.name] = v;
        else delete headers[p.name];
      });
      const plan: RequestPlan = {
        route: r.variant === 'method' ? '(wrong method)' : r.variant === 'path' ? '(unknown path)' : op.key,
        method: r.variant === 'method' ? r.otherMethod : op.method,
        path,
        auth: r.auth,
        headers,
        body: r.body,
      };
      if (r.auth === 'raw-header' || r.auth === 'raw-cookie') plan.rawAuth = headerSafe(r.rawAuth);
      if (r.body.kind !== 'none' && r.contentType !== undefined) plan.contentType = r.contentType;
      return plan;
    });
}
