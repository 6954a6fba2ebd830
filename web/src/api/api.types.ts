import type { Static } from '@sinclair/typebox';
import type {
  Conversation as ConversationSchema,
  NewConversationBody as NewConversationBodySchema,
  NewConversation as NewConversationSchema,
} from '../../../services/gateway/conversations/conversation.routes';
import type {
  AuthResponse as AuthResponseSchema,
  PersonaSummary,
  PublicUser,
} from '../../../services/gateway/http.schemas';
import type { MessageAccepted } from '../../../services/gateway/replies/message.routes';
import type {
  Complete as SurveyComplete,
  Incomplete as SurveyIncomplete,
  Pending as SurveyPending,
} from '../../../services/gateway/survey/survey.routes';
import type { HistoryMessage, ReplyStatus } from '../../../shared/replies/turn';
import type { LocalizedSurvey, SurveyAnswersBody } from '../../../shared/survey/survey';

/**
 * The gateway's public HTTP contract as the browser sees it: every type is taken from the schema
 * the gateway validates and documents with, so a changed response breaks the typecheck here.
 */
export type Persona = Static<typeof PersonaSummary>;
export type User = Static<typeof PublicUser>;
export type AuthResponse = Static<typeof AuthResponseSchema>;

export type Survey = LocalizedSurvey;
export type SurveyQuestion = Survey['questions'][number];
export type SurveyAnswer = SurveyAnswersBody['answers'][number];
export type SurveyResult =
  | Static<typeof SurveyComplete>
  | Static<typeof SurveyPending>
  | Static<typeof SurveyIncomplete>;

export type Conversation = Static<typeof ConversationSchema>;
export type NewConversation = Static<typeof NewConversationSchema>;
export type NewConversationBody = Static<typeof NewConversationBodySchema>;

export type MessageStatus = ReplyStatus;
export type Message = HistoryMessage;
export type SendMessageResponse = Static<typeof MessageAccepted>;
