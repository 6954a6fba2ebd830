import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Db } from '../../shared/db/database';
import { recentMessages } from '../../shared/db/messages.repository';
import type { ChatJob } from '../../shared/jobs/chat.job';
import { systemPrompt } from '../../shared/personas/persona';
import { personaById } from '../../shared/personas/personas';
import { mergeMessages, type RecentMessage } from '../../shared/replies/turn';

/**
 * The prompt for a reply: the persona's system prompt and the conversation's recent turns (read
 * from Redis by the caller), or from the database merged with them when Redis does not hold them all.
 */
export async function buildPrompt(
  deps: { db: Db; maxTurns: number },
  job: ChatJob,
  cached: { turns: RecentMessage[]; complete: boolean },
): Promise<{ messages: ChatCompletionMessageParam[]; source: 'redis' | 'database' }> {
  let turns = cached.turns.map(({ id, role, content, at }) => ({ id, role, content, createdAt: at }));
  let source: 'redis' | 'database' = 'redis';
  if (!cached.complete) {
    source = 'database';
    const stored = await recentMessages(deps.db, job.conversationId, deps.maxTurns);
    turns = mergeMessages(
      stored.map((m) => ({ id: m.id, role: m.role, content: m.content, createdAt: m.created_at })),
      turns,
    );
  }
  // Only what came before this reply's own message counts as history, and the message itself goes last.
  const history = turns
    .filter((t) => t.id !== job.userMessageId && t.createdAt <= job.enqueuedAt)
    .slice(-deps.maxTurns);
  const persona = personaById(job.personaId);
  return {
    source,
    messages: [
      { role: 'system', content: systemPrompt(persona, job.lang) },
      ...history.filter((t) => t.content).map((t) => ({ role: t.role, content: t.content })),
      { role: 'user', content: job.content },
    ],
  };
}
