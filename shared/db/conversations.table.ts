import type { Insertable, Selectable } from 'kysely';

export interface ConversationsTable {
  id: string;
  user_id: string;
  persona_id: string;
  title: string | null;
  created_at: number;
}

export type ConversationRow = Selectable<ConversationsTable>;
export type NewConversationRow = Insertable<ConversationsTable>;
