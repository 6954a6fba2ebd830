import type { Static } from '@sinclair/typebox';
import type {
  Conversation as ConversationSchema,
  NewConversationBody as NewConversationBodySchema,
  NewConversation as NewConversationSchema,
} from '../../../services/gateway/conversations/conversation.routes';
import type {
  Complete as SurveyComplete,
  Incomplete as SurveyIncomplete,
  Pending as SurveyPending,
} from '../../../services/gateway/survey/survey.routes';

/**
 * Shapes of the gateway's public HTTP contract as the browser sees them. Where the gateway
 * exports a route's schema the type is taken from it, so a changed response breaks the typecheck
 * here; the rest keep ids as the server sends them (string or number) and send them back unchanged.
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

export type SurveyResult =
  | Static<typeof SurveyComplete>
  | Static<typeof SurveyPending>
  | Static<typeof SurveyIncomplete>;

export type Conversation = Static<typeof ConversationSchema>;
export type NewConversation = Static<typeof NewConversationSchema>;
export type NewConversationBody = Static<typeof NewConversationBodySchema>;

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
