import { type Static, Type } from '@sinclair/typebox';

// One schema per body: Fastify validates with it, the OpenAPI document at /docs is built from it,
// and TypeScript takes its types from it.

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable; see the list of codes in the API description' }),
      message: Type.String({ description: 'English, for people; may change' }),
      field: Type.Optional(Type.String({ description: 'The body field a `field_*` code is about' })),
      limit: Type.Optional(Type.Number({ description: 'The bound a `field_*` code crossed' })),
    }),
  },
  { $id: 'ErrorBody', description: 'Every 4xx/5xx body' },
);

export const PersonaSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  greeting: Type.String(),
});
export type PersonaSummary = Static<typeof PersonaSummary>;

export const PublicUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.String(),
  isGuest: Type.Boolean(),
  persona: Type.Union([PersonaSummary, Type.Null()]),
  createdAt: Type.Number(),
});
export type PublicUser = Static<typeof PublicUser>;

export const AuthResponse = Type.Object({ token: Type.String(), user: PublicUser });

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const ReplyParams = Type.Object(
  { replyId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const LangQuery = Type.Object({
  lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
});

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  429: ErrorBody,
  503: ErrorBody,
};
