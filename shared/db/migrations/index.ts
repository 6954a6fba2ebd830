import type { Migration } from 'kysely';
import * as chat from './001_chat';
import * as survey from './002_survey';

/** Every migration, in order. Names are stored in the database: never rename one. */
export const migrations: Record<string, Migration> = {
  '001_chat': chat,
  '002_survey': survey,
};
