import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * The part of OpenAI's chat completion request the simulator reads. Other fields (temperature,
 * tools, ...) are accepted and ignored, as a drop-in replacement must.
 */
const ContentPart = Type.Object({ type: Type.String() }, { additionalProperties: true });
const Message = Type.Object(
  {
    role: Type.Union(
      ['system', 'developer', 'user', 'assistant', 'tool', 'function'].map((r) => Type.Literal(r)),
    ),
    content: Type.Optional(Type.Union([Type.String(), Type.Array(ContentPart), Type.Null()])),
  },
  { additionalProperties: true },
);
const OptionalCount = Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]));

export const ChatRequestSchema = Type.Object(
  {
    model: Type.String({ minLength: 1 }),
    messages: Type.Array(Message, { minItems: 1 }),
    stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    stream_options: Type.Optional(
      Type.Union([
        Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: true }),
        Type.Null(),
      ]),
    ),
    max_tokens: OptionalCount,
    max_completion_tokens: OptionalCount,
    seed: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    n: Type.Optional(Type.Union([Type.Literal(1), Type.Null()])),
  },
  { additionalProperties: true },
);
export type ChatRequest = Static<typeof ChatRequestSchema>;

const check = TypeCompiler.Compile(ChatRequestSchema);

export type ChatRequestCheck =
  | { ok: true; request: ChatRequest }
  | { ok: false; message: string; param: string | null };

/** Checks a parsed body, answering the way OpenAI does: a message and the offending parameter. */
export function checkChatRequest(body: unknown): ChatRequestCheck {
  if (!check.Check(body)) {
    const error = check.Errors(body).First();
    // OpenAI names nested parameters like `messages.[0].role`.
    const param = error?.path
      ? error.path
          .slice(1)
          .replace(/\/(\d+)/g, '.[$1]')
          .replace(/\//g, '.')
      : null;
    const detail = error?.message ?? 'Invalid request body';
    const message = param ? `Invalid value for '${param}': ${detail}.` : `Invalid request body: ${detail}.`;
    return { ok: false, message, param };
  }
  if (body.stream !== true && body.stream_options != null) {
    return {
      ok: false,
      message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      param: 'stream_options',
    };
  }
  return { ok: true, request: body };
}
