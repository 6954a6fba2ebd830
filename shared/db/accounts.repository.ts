import type { Db } from './database';

/** Raised when an e-mail address already belongs to another account. */
export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

const isUniqueViolation = (error: unknown) => {
  const code = (error as { code?: string })?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
};

/**
 * Gives a user an e-mail and password: a new account, or a guest becoming one (same id, so the
 * guest keeps its answers, persona and conversations). The database enforces e-mail uniqueness;
 * this is the gateway's one synchronous write.
 */
export async function saveAccount(
  db: Db,
  account: {
    id: string;
    email: string;
    passwordHash: string;
    displayName: string;
    personaId: string | null;
    createdAt: number;
  },
  opts: { upgradeGuest: boolean },
): Promise<void> {
  const now = Date.now();
  const fields = {
    email: account.email,
    password_hash: account.passwordHash,
    display_name: account.displayName,
    updated_at: now,
  };
  try {
    if (opts.upgradeGuest) {
      // Only a row that is still a guest becomes the account; an upsert would also match on the
      // e-mail's unique key and take over someone else's account.
      const updated = await db
        .updateTable('users')
        .set(fields)
        .where('id', '=', account.id)
        .where('email', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return;
    }
    await db
      .insertInto('users')
      .values({ id: account.id, ...fields, persona_id: account.personaId, created_at: account.createdAt })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError('email already registered');
    throw error;
  }
}
