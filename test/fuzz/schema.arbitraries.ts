import fc from 'fast-check';
import type { JsonSchema } from './openapi.operations';

/** Characters that have broken parsers, databases and terminals: NUL, bidi controls, zero-width, BOM, noncharacters. */
const oddChars = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2066',
  '\u061c',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\u0301\u0301\u0301',
  '\u00a0',
  'مرحبا',
  'עברית',
  '𝕏',
  '👩‍👩‍👧',
  '\r\n',
  '\t',
  '\\',
  '"',
  "'",
  '%',
  '/',
  '..',
  '<script>',
  '$' + '{x}',
  '; DROP TABLE messages; --',
);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Odd Unicode: lone surrogates, RTL and zero-width marks, NUL, astral code points, mixed in. */
export const oddString = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), oddChars, loneSurrogate), {
    minLength: 1,
    maxLength: 10,
  })
  .map((parts) => parts.join(''));

/** Any string: plain, grapheme, odd, or one the API itself uses (ids, question ids, e-mails). */
export const anyString = (words: readonly string[]) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 3, arbitrary: oddString },
    { weight: 2, arbitrary: fc.constantFrom('', ...words) },
  );

/** A JSON value of the wrong kind for almost any field. */
export const wrongValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, '', '1', [], {}, [null], { '': null }),
  fc.jsonValue({ maxDepth: 2 }),
);

const isType = (schema: JsonSchema, type: string) =>
  schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));

/**
 * Values a schema accepts (within its limits; strings may carry odd Unicode). Strings with a
 * format get values of that format, and sometimes a word the API uses, so a fuzzed body reaches
 * past validation into the handler.
 */
export function validValue(schema: JsonSchema, words: readonly string[]): fc.Arbitrary<unknown> {
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((s) => validValue(s, words)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (isType(schema, 'object') || schema.properties) {
    const props = schema.properties ?? {};
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, s] of Object.entries(props)) record[key] = validValue(s, words);
    return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
  }
  if (isType(schema, 'array')) {
    return fc.array(validValue(schema.items ?? {}, words), {
      minLength: schema.minItems ?? 0,
      maxLength: Math.min(schema.maxItems ?? 8, 8),
    });
  }
  if (isType(schema, 'integer')) {
    const min = schema.minimum ?? -1_000_000;
    const max = schema.maximum ?? 1_000_000;
    return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
  }
  if (isType(schema, 'number')) return fc.double({ noNaN: true, noDefaultInfinity: true });
  if (isType(schema, 'boolean')) return fc.boolean();
  if (isType(schema, 'null')) return fc.constant(null);
  if (isType(schema, 'string')) {
    const minLength = schema.minLength ?? 0;
    const maxLength = Math.min(schema.maxLength ?? 40, 40);
    const fits = (s: string) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity);
    if (schema.format === 'email')
      return fc.oneof(fc.emailAddress(), fc.constantFrom('', ...words)).filter(fits);
    if (schema.format === 'uuid') return fc.oneof(fc.uuid(), fc.constantFrom('', ...words)).filter(fits);
    return fc.oneof(
      fc.string({ minLength, maxLength }),
      anyString(words).filter(fits),
      fc.constantFrom('', ...words).filter(fits),
    );
  }
  return fc.jsonValue({ maxDepth: 1 });
}

/** A value with one defect: out of range, too long, a wrong type, a missing or extra key. */
export function nearlyValid(schema: JsonSchema, words: readonly string[]): fc.Arbitrary<unknown> {
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((s) => nearlyValid(s, words)));
  if (isType(schema, 'object') || schema.properties) {
    const props = Object.keys(schema.properties ?? {});
    const base = validValue(schema, words) as fc.Arbitrary<Record<string, unknown>>;
    const defects: fc.Arbitrary<Record<string, unknown>>[] = [
      // an extra key, including the ones prototype pollution tries
      fc
        .tuple(base, fc.constantFrom('extra', '__proto__', 'constructor', 'role', ''), wrongValue)
        .map(([v, k, x]) => ({ ...v, [k]: x })),
      base.map(() => ({})),
    ];
    if (props.length > 0) {
      defects.push(
        fc.tuple(base, fc.constantFrom(...props)).map(([v, k]) => {
          const { [k]: _dropped, ...rest } = v;
          return rest;
        }),
        fc.tuple(base, fc.constantFrom(...props), wrongValue).map(([v, k, x]) => ({ ...v, [k]: x })),
        fc
          .constantFrom(...props)
          .chain((k) =>
            fc.tuple(base, nearlyValid(schema.properties![k]!, words)).map(([v, x]) => ({ ...v, [k]: x })),
          ),
      );
    }
    return fc.oneof(...defects);
  }
  if (isType(schema, 'array')) {
    const item = schema.items ?? {};
    return fc.oneof(
      fc.constant([]),
      fc.array(validValue(item, words), {
        minLength: (schema.maxItems ?? 8) + 1,
        maxLength: (schema.maxItems ?? 8) + 3,
      }),
      fc.array(nearlyValid(item, words), { minLength: 1, maxLength: 4 }),
      wrongValue,
    );
  }
  if (isType(schema, 'integer') || isType(schema, 'number')) {
    const min = schema.minimum ?? 0;
    const max = schema.maximum ?? 100;
    return fc.oneof(
      fc.constantFrom(min - 1, max + 1, min + 0.5, 2 ** 53, -(2 ** 53), 1e300, -1e300),
      fc.constantFrom(String(min), `${max}`),
      wrongValue,
    );
  }
  if (isType(schema, 'string')) {
    const max = schema.maxLength ?? 100;
    return fc.oneof(
      fc.constant(''),
      fc.nat({ max: 50 }).map((extra) => 'x'.repeat(max + 1 + extra)),
      fc.nat({ max: 50 }).map((extra) => '가'.repeat(max + 1 + extra)),
      oddString,
      wrongValue,
    );
  }
  return wrongValue;
}
