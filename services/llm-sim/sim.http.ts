import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** OpenAI's error body: clients (the openai package included) read `error.message`, `type`, `code`. */
export interface OpenAiError {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

const maxBodyBytes = 8 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: OpenAiError,
  headers?: OutgoingHttpHeaders,
) {
  sendJson(
    res,
    status,
    {
      error: {
        message: error.message,
        type: error.type,
        param: error.param ?? null,
        code: error.code ?? null,
      },
    },
    headers,
  );
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) => ({
  message,
  type: 'invalid_request_error',
  param,
  code,
});

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly error: OpenAiError,
  ) {
    super(error.message);
  }
}

/** Reads and parses a JSON body; a BodyError carries the status and OpenAI-shaped error to send. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new BodyError(413, invalidRequest(`Request body is larger than ${maxBodyBytes} bytes.`));
    }
    chunks.push(chunk as Buffer);
  }
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(
      400,
      invalidRequest(
        'We could not parse the JSON body of your request. The simulator expects a JSON payload, as the OpenAI API does.',
      ),
    );
  }
}
