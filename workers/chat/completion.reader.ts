import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

/**
 * Reads a streamed chat completion from the raw response the OpenAI client returns
 * (`create(...).asResponse()`: the client still builds, authenticates, retries and checks the
 * request), handing each chunk to `onChunk` as it is parsed. The client's own stream reader costs
 * about twice the CPU per token (it copies and re-decodes its buffer for every chunk), and a chat
 * worker streams a hundred replies at once. Errors the provider sends inside the stream are thrown
 * as the client throws them; `onChunk` may return a promise, and reading waits for it.
 */
export async function readCompletion(
  response: Response,
  onChunk: (chunk: ChatCompletionChunk) => void | Promise<void>,
): Promise<void> {
  if (!response.body) throw new OpenAI.OpenAIError('the completion response has no body');
  const decoder = new TextDecoder();
  const parsed: ChatCompletionChunk[] = [];
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (done) return;
      if (event.data.startsWith('[DONE]')) {
        done = true;
        return;
      }
      const data = JSON.parse(event.data) as ChatCompletionChunk & { error?: unknown; message?: string };
      if (data.error) {
        throw new OpenAI.APIError(undefined, data.error as object, data.message, response.headers);
      }
      parsed.push(data);
    },
  });
  const reader = response.body.getReader();
  let ended = false;
  try {
    // Read to the end, past [DONE], so the connection goes back to the pool.
    while (!ended) {
      const read = await reader.read();
      ended = read.done;
      if (ended) break;
      parser.feed(decoder.decode(read.value, { stream: true }));
      for (const chunk of parsed.splice(0)) {
        const pending = onChunk(chunk);
        if (pending) await pending;
      }
    }
  } finally {
    // Stopped early by an error: the rest is not wanted.
    if (!ended) await reader.cancel().catch(() => undefined);
  }
}
