import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/telemetry/logger';
import { ErrorBody } from '../http.schemas';
import { registerErrorHandling } from './errors';

// The gateway's own error handler and Ajv settings, so the bodies are the ones clients get.
const app = Fastify({
  ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
}).withTypeProvider<TypeBoxTypeProvider>();
registerErrorHandling(app, createLogger('test', 'silent'));
app.post(
  '/signup',
  {
    schema: {
      body: Type.Object(
        {
          email: Type.String({ format: 'email', maxLength: 254 }),
          password: Type.String({ minLength: 8, maxLength: 200 }),
          answers: Type.Optional(
            Type.Array(Type.Object({ value: Type.Integer({ minimum: 1, maximum: 5 }) })),
          ),
        },
        { additionalProperties: false },
      ),
      querystring: Type.Object({ lang: Type.Optional(Type.Literal('ko')) }),
      response: { 200: Type.Object({ ok: Type.Boolean() }), 400: ErrorBody },
    },
  },
  async () => ({ ok: true }),
);

async function post(body: unknown, query = '') {
  const res = await app.inject({ method: 'POST', url: `/signup${query}`, payload: body as object });
  expect(res.statusCode).toBe(400);
  return res.json().error as { code: string; message: string; field?: string; limit?: number };
}

describe('body validation errors', () => {
  beforeAll(() => app.ready());
  afterAll(() => app.close());

  it('name the field and the rule that failed, with the limit', async () => {
    expect(await post({ email: 'a@b.co', password: 'short' })).toMatchObject({
      code: 'field_too_short',
      field: 'password',
      limit: 8,
    });
    expect(await post({ email: 'a@b.co', password: 'x'.repeat(201) })).toMatchObject({
      code: 'field_too_long',
      field: 'password',
      limit: 200,
    });
  });

  it('name a missing field, an unknown one and a malformed one', async () => {
    expect(await post({ password: 'long enough' })).toMatchObject({ code: 'field_required', field: 'email' });
    expect(await post({ email: 'a@b.co', password: 'long enough', role: 'admin' })).toMatchObject({
      code: 'field_not_allowed',
      field: 'role',
    });
    expect(await post({ email: 'not an address', password: 'long enough' })).toMatchObject({
      code: 'field_invalid',
      field: 'email',
    });
  });

  it('give a nested field as a dotted path and a number out of range its bound', async () => {
    const error = await post({
      email: 'a@b.co',
      password: 'long enough',
      answers: [{ value: 3 }, { value: 9 }],
    });
    expect(error).toMatchObject({ code: 'field_out_of_range', field: 'answers.1.value', limit: 5 });
    expect(error.message).toMatch(/^answers\.1\.value: /);
  });

  it('call a body that is not an object invalid as a whole, and keep invalid_request for the rest', async () => {
    const error = await post([1, 2]);
    expect(error.code).toBe('invalid_body');
    expect(error).not.toHaveProperty('field');
    expect(await post({ email: 'a@b.co', password: 'long enough' }, '?lang=xx')).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^querystring/),
    });
  });
});
