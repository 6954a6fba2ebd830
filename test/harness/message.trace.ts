import { expect } from 'vitest';
import { type Client, eventually } from './client';
import type { ReceivedSpan } from './otlp.receiver';

export const PRODUCER = 4;
export const CONSUMER = 5;

/**
 * Sends one chat message, reads its reply to the end, and waits until the receiver holds the
 * message's whole trace. Spans arrive as each process exports them: it waits for the writer's
 * batch (the last hop, a trace of its own linked to this one), for every span's parent (the job
 * span ends after its children), and for the chat worker's job and SQS send.
 */
export async function traceOfOneMessage(
  client: Client,
  receiver: { spans: ReceivedSpan[] },
  content: string,
  opts: { also?: (spans: ReceivedSpan[]) => boolean; timeoutMs: number },
): Promise<{ traceId: string; spans: ReceivedSpan[]; batch: ReceivedSpan }> {
  const conversationId = await client.conversation();
  const sent = await client.request('POST', `/api/conversations/${conversationId}/messages`, { content });
  expect(sent.status).toBe(202);
  const traceId = sent.headers.get('x-trace-id') as string;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const { events } = await client.stream(sent.json.replyId);
  expect(events.at(-1)?.event).toBe('done');

  const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
  const batchLinked = () =>
    receiver.spans.find((s) => s.name === 'writer.batch' && s.links.some((l) => l.traceId === traceId));
  const connected = (spans: ReceivedSpan[]) => {
    const ids = new Set(spans.map((s) => s.spanId));
    return spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
  };
  const { batch, spans } = await eventually(
    async () => ({ batch: batchLinked(), spans: inTrace() }),
    ({ batch, spans }) =>
      batch !== undefined &&
      connected(spans) &&
      spans.some((s) => s.service === 'chat-worker' && s.kind === CONSUMER) &&
      spans.some((s) => s.service === 'chat-worker' && s.kind === PRODUCER) &&
      (opts.also?.(spans) ?? true),
    opts.timeoutMs,
  );
  return { traceId, spans, batch: batch! };
}
