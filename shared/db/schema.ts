import type { ConversationsTable } from './conversations.table';
import type { MessagesTable } from './messages.table';
import type { SurveyAnswersTable } from './survey-answers.table';
import type { UsersTable } from './users.table';

export interface DB {
  users: UsersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  survey_answers: SurveyAnswersTable;
}
