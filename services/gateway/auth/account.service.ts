import { randomUUID } from 'node:crypto';
import { EmailTakenError, saveAccount } from '../../../shared/db/accounts.repository';
import type { Db } from '../../../shared/db/database';
import { findUserByEmail } from '../../../shared/db/users.repository';
import { HttpError } from '../plugins/errors';
import type { LoginThrottle } from './login.throttle';
import { decoyHash, hashPassword, verifyPassword } from './password';
import type { UserRecord, UserStore } from './user.store';

const normalize = (email: string) => email.trim().toLowerCase();

/** Sign-up and sign-in: passwords hashed with scrypt, e-mail uniqueness left to the database. */
export function createAccountService(deps: { db: Db; users: UserStore; throttle: LoginThrottle }) {
  return {
    async signup(input: {
      email: string;
      password: string;
      displayName?: string;
      guestUserId?: string | undefined;
    }): Promise<UserRecord> {
      const email = normalize(input.email);
      const guest = input.guestUserId ? await deps.users.get(input.guestUserId) : null;
      // A signed-in guest becomes the account (same id); a signed-in account signs up a new one.
      const base = guest && guest.email === null ? guest : null;
      const user: UserRecord = {
        id: base?.id ?? randomUUID(),
        email,
        displayName: input.displayName ?? base?.displayName ?? email.split('@')[0]!,
        personaId: base?.personaId ?? null,
        createdAt: base?.createdAt ?? Date.now(),
      };
      try {
        await saveAccount(
          deps.db,
          { ...user, email, passwordHash: await hashPassword(input.password) },
          { upgradeGuest: base !== null },
        );
      } catch (error) {
        if (error instanceof EmailTakenError)
          throw new HttpError(409, 'email_taken', 'An account with this e-mail already exists.');
        throw error;
      }
      await deps.users.cache(user);
      return user;
    },

    async login(rawEmail: string, password: string, ip: string): Promise<UserRecord> {
      const email = normalize(rawEmail);
      await deps.throttle.before(email, ip);
      const row = await findUserByEmail(deps.db, email);
      const ok = await verifyPassword(password, row?.password_hash ?? decoyHash);
      if (!row || !ok) {
        await deps.throttle.failed(email, ip);
        throw new HttpError(401, 'invalid_credentials', 'The e-mail or password is wrong.');
      }
      await deps.throttle.succeeded(email);
      const user: UserRecord = {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        personaId: row.persona_id,
        createdAt: row.created_at,
      };
      await deps.users.cache(user);
      return user;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
