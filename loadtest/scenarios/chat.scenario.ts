import { NewConversation as Conversation } from '../../services/gateway/conversations/conversation.routes';
import { AuthResponse as Guest } from '../../services/gateway/http.schemas';
import { MessageAccepted as Sent } from '../../services/gateway/replies/message.routes';
import type { Iterate } from '../engine/iteration.types';
import { expectShape, sameOriginPath } from '../http/http.client';
import { readReply } from '../http/reply.stream';
import { jittered, type ScenarioDeps, step } from './scenario.deps';

export interface ChatOptions {
  /** Messages sent per conversation. */
  readonly turns: number;
  readonly thinkMs: number;
  /** Think time varies by ± this fraction. */
  readonly jitter: number;
  readonly messages: readonly string[];
  readonly streamTimeoutMs: number;
}

export const DEFAULT_MESSAGES = [
  'Hi! What would you suggest for a quiet evening?',
  'Tell me something surprising about octopuses.',
  'Can you help me plan a short weekend trip?',
  'What is a good way to start learning to draw?',
  'Summarize the plot of a classic novel in three sentences.',
] as const;

/** Signs in as a guest; the first step of every user-facing scenario. */
export async function signInAsGuest(deps: ScenarioDeps, due: number, signal: AbortSignal): Promise<string> {
  const res = await step(deps, 'http_guest', due, signal, async () =>
    expectShape(
      Guest,
      (await deps.http.json({ method: 'POST', path: '/api/auth/guest', expect: [201], signal })).json,
      'guest',
    ),
  );
  return res.token;
}

/**
 * A person chatting: guest sign-in, a new conversation, then `turns` messages, each reply read
 * to `done`, with think time between turns.
 */
export function createChatScenario(deps: ScenarioDeps, options: ChatOptions): Iterate {
  const { http, clock } = deps;
  return async ({ intendedAt, signal }) => {
    try {
      // The first request carries any start delay of the iteration; later ones start when due.
      const token = await signInAsGuest(deps, intendedAt, signal);
      const conversation = await step(deps, 'http_create_conversation', clock.now(), signal, async () => {
        const res = await http.json({
          method: 'POST',
          path: '/api/conversations',
          token,
          body: {},
          expect: [201],
          signal,
        });
        return expectShape(Conversation, res.json, 'conversation');
      });
      const path = `/api/conversations/${encodeURIComponent(conversation.id)}/messages`;
      let due = clock.now();
      for (let turn = 0; turn < options.turns; turn++) {
        if (turn > 0) {
          due = clock.now() + jittered(options.thinkMs, options.jitter);
          await clock.sleepUntil(due, signal);
        }
        const content = options.messages[Math.floor(Math.random() * options.messages.length)]!;
        const streamPath = await step(deps, 'http_send_message', due, signal, async () => {
          const res = await http.json({
            method: 'POST',
            path,
            token,
            body: { content },
            expect: [202],
            signal,
          });
          const { streamUrl } = expectShape(Sent, res.json, 'send message');
          return sameOriginPath(http.origin, streamUrl);
        });
        await readReply(deps, {
          path: streamPath,
          token,
          sentAt: due,
          signal,
          timeoutMs: options.streamTimeoutMs,
        });
      }
      return true;
    } catch {
      return false;
    }
  };
}
