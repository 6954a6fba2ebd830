import type { Insertable, Selectable } from 'kysely';
import type { EndedStatus } from '../replies/turn';

export type MessageRole = 'user' | 'assistant';

export interface MessagesTable {
  /** For an assistant message this is the reply id (the BullMQ job id). */
  id: string;
  conversation_id: string;
  user_id: string;
  /** The reply this message belongs to: its own id for the assistant, the reply it asked for for the user. */
  reply_id: string;
  role: MessageRole;
  content: string;
  status: EndedStatus;
  finish_reason: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: number;
}

export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
