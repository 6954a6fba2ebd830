import fc from 'fast-check';
import {
  badSegment,
  contentTypes,
  encodeSegment,
  extraHeaders,
  headerSafe,
  invalidUtf8,
  queryTail,
  rawCredential,
  rawText,
} from './hostile.inputs';
import type { Operation, Param } from './openapi.operations';
import { nearlyValid, validValue, wrongValue } from './schema.arbitraries';

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
