import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { opsTokenOf } from './ops.auth';

const withAuth = (authorization?: string) => ({ headers: { authorization } }) as unknown as FastifyRequest;
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('opsTokenOf', () => {
  it('reads a bearer token or a basic-auth password', () => {
    expect(opsTokenOf(withAuth('Bearer abc.def'))).toBe('abc.def');
    expect(opsTokenOf(withAuth(basic('ops:s3cret:with:colons')))).toBe('s3cret:with:colons');
    expect(opsTokenOf(withAuth(basic(':only-password')))).toBe('only-password');
  });

  it('finds none in anything else', () => {
    expect(opsTokenOf(withAuth())).toBeUndefined();
    expect(opsTokenOf(withAuth('Token abc'))).toBeUndefined();
    expect(opsTokenOf(withAuth(basic('no-colon')))).toBeUndefined();
  });
});
