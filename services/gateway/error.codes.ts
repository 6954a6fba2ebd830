/**
 * Every `error.code` the gateway sends, with what it means. The codes are a stored contract:
 * clients (the web app first) choose their own words by code, so a code is never renamed or
 * reused for something else; the `message` beside it is English for API users and may change.
 * The web app's translations are checked against this list at compile time.
 */
export const ERROR_CODES = {
  bad_request: 'The request is not valid HTTP, or Fastify refused it before validation.',
  invalid_json: 'The body is not JSON, or is empty where JSON is required.',
  unsupported_media_type: 'The body is not application/json.',
  body_too_large: 'The body is larger than BODY_LIMIT_BYTES.',
  invalid_url: 'The path cannot be decoded, or a path parameter is too long.',
  invalid_request: 'A path parameter, query parameter or header fails its schema; `message` says which.',
  invalid_body: 'The body is not the JSON object the operation takes (an array, a string, …).',
  field_required: 'A body field is missing; `field` names it.',
  field_too_short: 'A body string or list is shorter than allowed; `field` names it, `limit` is the minimum.',
  field_too_long: 'A body string or list is longer than allowed; `field` names it, `limit` is the maximum.',
  field_out_of_range: 'A body number is outside its range; `field` names it, `limit` is the bound.',
  field_not_allowed: 'The body has a field the operation does not take; `field` names it.',
  field_invalid: 'A body field has the wrong type or format (an e-mail, a uuid, …); `field` names it.',
  unauthorized: 'No session, or the session token is invalid or expired.',
  invalid_credentials: 'The e-mail or password is wrong.',
  email_taken: 'An account with this e-mail already exists.',
  too_many_attempts: 'Too many failed sign-ins for this e-mail or address; wait for Retry-After.',
  rate_limited: 'Over RATE_LIMIT_AUTH_PER_MIN or RATE_LIMIT_CHAT_PER_MIN; wait for Retry-After.',
  not_found: 'No such route, or no such conversation or reply for this user.',
  empty_message: 'The message is empty once trimmed.',
  message_too_long:
    'No longer sent: a message over MESSAGE_MAX_CHARS code points is a 400 `field_too_long` on `content`, with the `limit`.',
  wrong_version: 'The answers are for another survey version; reload the survey.',
  unknown_question: 'An answer names a question the survey does not have.',
  invalid_value: 'An answer is not one of its question’s options.',
  duplicate_question: 'One request answers the same question twice.',
  invalid_last_event_id: 'Last-Event-ID (or ?lastEventId=) is not an event id of this stream.',
  llm_failed: 'Sent as a reply stream’s `error` event: the model did not answer after every retry.',
  timeout: 'The request took too long to arrive.',
  headers_too_large: 'The request line and headers are too large.',
  unavailable:
    'Redis, the database or SQS cannot be reached, or Redis is full (503, with Retry-After); also a reply stream’s `error` event when the reply could not be kept.',
  internal: 'A bug (500); the log has the details.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes as a Markdown list, for the OpenAPI document. */
export const errorCodesMarkdown = (): string =>
  Object.entries(ERROR_CODES)
    .map(([code, what]) => `- \`${code}\`: ${what}`)
    .join('\n');
