import type { Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  /** Null for a guest; unique once set (the database enforces it). */
  email: string | null;
  /** scrypt hash with its salt and parameters; null for a guest. */
  password_hash: string | null;
  display_name: string;
  persona_id: string | null;
  created_at: number;
  updated_at: number;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
