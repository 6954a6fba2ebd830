import type { ErrorCode } from '../error.codes';

/** The part of an Ajv error a body-validation failure is described from. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface FieldError {
  code: ErrorCode;
  message: string;
  /** The field as a dotted path (`password`, `answers.0.value`); absent when the body itself is wrong. */
  field?: string;
  /** The bound that was crossed: a minimum or maximum length, count or value. */
  limit?: number;
}

const ruleCodes: Record<string, ErrorCode> = {
  required: 'field_required',
  minLength: 'field_too_short',
  minItems: 'field_too_short',
  minProperties: 'field_too_short',
  maxLength: 'field_too_long',
  maxItems: 'field_too_long',
  maxProperties: 'field_too_long',
  minimum: 'field_out_of_range',
  maximum: 'field_out_of_range',
  exclusiveMinimum: 'field_out_of_range',
  exclusiveMaximum: 'field_out_of_range',
  additionalProperties: 'field_not_allowed',
};

/**
 * Turns the first schema error of a request body into a stable code, the field it concerns and
 * the limit it crossed, so a client can say in its own words what to fix ("the password needs at
 * least 8 characters") without parsing the English message.
 */
export function describeBodyError(error: SchemaError | undefined): FieldError {
  if (!error) return { code: 'invalid_body', message: 'The body does not match the schema.' };
  const path = error.instancePath
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const named =
    error.keyword === 'required'
      ? error.params.missingProperty
      : error.keyword === 'additionalProperties'
        ? error.params.additionalProperty
        : undefined;
  if (typeof named === 'string') path.push(named);
  const rule = error.message ?? `fails ${error.keyword}`;
  if (path.length === 0) return { code: 'invalid_body', message: `body ${rule}` };
  const field = path.join('.');
  const limit = typeof error.params.limit === 'number' ? error.params.limit : undefined;
  return {
    code: ruleCodes[error.keyword] ?? 'field_invalid',
    message: `${field}: ${rule}`,
    field,
    ...(limit === undefined ? {} : { limit }),
  };
}
