/**
 * The API's operations as the running gateway documents them at `/docs/json`: the fuzzer reads
 * its targets from there, so a new route is fuzzed without anyone listing it.
 */

/** The subset of JSON Schema the gateway's TypeBox schemas produce. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

export interface Param {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** `METHOD /path/{param}`, the key requests are counted under. */
  key: string;
  method: string;
  path: string;
  pathParams: Param[];
  query: Param[];
  headers: Param[];
  body?: JsonSchema;
  /** Documented response schemas by status code. */
  responses: Record<string, JsonSchema>;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, with `$ref`s to components resolved. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
    if (!schema?.$ref) return schema;
    const name = schema.$ref.split('/').pop() ?? '';
    return doc.components?.schemas?.[name];
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!methods.has(method)) continue;
      const params = (where: OpenApiParameter['in']) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required ?? false, schema: resolve(p.schema) ?? {} }));
      const responses: Record<string, JsonSchema> = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const schema = resolve(response.content?.['application/json']?.schema);
        if (schema) responses[status] = schema;
      }
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: params('path'),
        query: params('query'),
        headers: params('header'),
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
        responses,
      });
    }
  }
  return ops;
}

/**
 * Whether a JSON value has the shape a schema requires: its type and required keys, through
 * unions. Enough to tell a documented non-error body (409 `{status: 'incomplete'}`) from junk.
 */
export function hasShape(value: unknown, schema: JsonSchema, refs: Record<string, JsonSchema> = {}): boolean {
  if (schema.$ref) {
    const target = refs[schema.$ref.split('/').pop() ?? ''];
    return target ? hasShape(value, target, refs) : false;
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.some((s) => hasShape(value, s, refs));
  if (schema.allOf) return schema.allOf.every((s) => hasShape(value, s, refs));
  if (schema.const !== undefined) return value === schema.const;
  if (schema.enum) return schema.enum.includes(value);
  if (schema.type === 'object' || schema.properties) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    return (schema.required ?? []).every(
      (key) => key in record && hasShape(record[key], schema.properties?.[key] ?? {}, refs),
    );
  }
  if (schema.type === 'string') return typeof value === 'string';
  if (schema.type === 'array') return Array.isArray(value);
  if (schema.type === 'integer' || schema.type === 'number') return typeof value === 'number';
  return true;
}
