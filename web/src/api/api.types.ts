/**
 * Shapes of the gateway's public HTTP contract as the browser sees them. Ids are kept as the
 * server sends them (string or number) and sent back unchanged.
 */
export type Id = string | number;

export interface Persona {
  id: Id;
  name: string;
  description?: string;
  greeting?: string;
  [key: string]: unknown;
}

export interface User {
  id: Id;
  email: string | null;
  displayName: string;
  isGuest: boolean;
  persona: Persona | null;
}

export interface AuthResponse {
  token: string;
  user: User;
}

export interface SurveyOption {
  value: number;
  label: string;
}

export interface SurveyQuestion {
  id: Id;
  text: string;
  kind: 'likert' | 'choice';
  options: SurveyOption[];
}

export interface Survey {
  version: Id;
  questions: SurveyQuestion[];
}

export interface SurveyAnswer {
  questionId: Id;
  value: number;
}

export interface Explanation {
  questionId: Id;
  text: string;
  axis: string;
  contribution: number;
}

export type SurveyResult =
  | { status: 'complete'; persona: Persona; scores: Record<string, number>; explanation?: Explanation[] }
  | { status: 'pending'; persisted: number; total: number }
  | { status: 'incomplete'; missing: Id[] };

export interface Conversation {
  id: Id;
  persona: Persona | Id | null;
  title: string | null;
  createdAt: string;
}

export type MessageStatus = 'complete' | 'streaming' | 'cancelled' | 'failed';

export interface Message {
  id: Id;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  replyId: Id | null;
  createdAt: string;
}

export interface SendMessageResponse {
  userMessageId: Id;
  replyId: Id;
  streamUrl: string;
}

/** A conversation's persona may arrive as an object or as a bare id. */
export function personaName(persona: Conversation['persona']): string | null {
  if (persona === null || persona === undefined) return null;
  if (typeof persona === 'object') return persona.name;
  return String(persona);
}
