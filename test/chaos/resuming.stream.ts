import { createClient, type SseEvent } from '../harness/client';
import { sleep } from './chaos.report';

const finals = new Set(['done', 'cancelled', 'error']);

/**
 * Reads a reply stream the way a browser's EventSource does: when the connection ends before a
 * final event (the gateway stopped or died), it connects again, to wherever `baseUrl()` points
 * now, with the id of the last event it got as Last-Event-ID.
 */
export async function resumingStream(
  baseUrl: () => string,
  token: string,
  replyId: string,
  timeoutMs = 60_000,
): Promise<{ events: SseEvent[]; connections: number }> {
  const events: SseEvent[] = [];
  /** Connections that delivered at least one event: more than one means the stream was resumed. */
  let connections = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !finals.has(events.at(-1)?.event ?? '')) {
    const before = events.length;
    try {
      await createClient(baseUrl(), token).stream(replyId, {
        lastEventId: events.at(-1)?.id,
        onEvent: (e) => events.push(e),
      });
    } catch {
      // Refused while no gateway listens, or cut when one dies: try again, as EventSource does.
    }
    if (events.length > before) connections += 1;
    else await sleep(100);
  }
  return { events, connections };
}
