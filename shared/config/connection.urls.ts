import { ConfigError } from './config.error';

/** The connection variables a process may receive in parts instead of as one URL. */
export interface ConnectionParts {
  DATABASE_URL?: string | undefined;
  DB_HOST?: string | undefined;
  DB_PORT?: number | undefined;
  DB_NAME?: string | undefined;
  DB_USER?: string | undefined;
  DB_PASSWORD?: string | undefined;
  DB_SSL?: string | undefined;
  REDIS_URL?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
}

const databaseParts = ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_SSL'] as const;
const requiredDatabaseParts = ['DB_HOST', 'DB_NAME', 'DB_USER', 'DB_PASSWORD'] as const;

/**
 * Fills in DATABASE_URL and REDIS_URL from their parts, once, as the config is parsed. In AWS the
 * database credentials come field by field from Aurora's secret, which rotates, and Redis's AUTH
 * token from a secret of its own: assembling the URLs at start means no copy of a password is
 * stored anywhere to go stale. Every part is encoded, so any character in a password is safe.
 */
export function assembleConnectionUrls<T extends object>(config: T): T {
  const parts = config as ConnectionParts;
  const assembled: ConnectionParts = {};
  const given = databaseParts.filter((key) => parts[key] !== undefined);
  if (given.length > 0) {
    if (parts.DATABASE_URL !== undefined) {
      throw new ConfigError(
        `DATABASE_URL and ${given.join(', ')} are both set: give the database either as one URL or in parts`,
      );
    }
    const missing = requiredDatabaseParts.find((key) => parts[key] === undefined);
    if (missing) {
      throw new ConfigError(
        `${missing} is not set: ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set, so DATABASE_URL is built from ${requiredDatabaseParts.join(', ')} (and DB_PORT, DB_SSL)`,
      );
    }
    assembled.DATABASE_URL = databaseUrlFrom(parts as Required<ConnectionParts>);
  }
  if (parts.REDIS_PASSWORD !== undefined) {
    if (parts.REDIS_URL === undefined) throw new ConfigError('REDIS_PASSWORD is set but REDIS_URL is not');
    assembled.REDIS_URL = redisUrlWithPassword(parts.REDIS_URL, parts.REDIS_PASSWORD);
  }
  return { ...config, ...assembled };
}

function databaseUrlFrom(parts: Required<ConnectionParts>): string {
  const enc = encodeURIComponent;
  const host = parts.DB_HOST.includes(':') ? `[${parts.DB_HOST}]` : parts.DB_HOST;
  const query = parts.DB_SSL ? `?ssl=${enc(parts.DB_SSL)}` : '';
  return `mysql://${enc(parts.DB_USER)}:${enc(parts.DB_PASSWORD)}@${host}:${parts.DB_PORT ?? 3306}/${enc(parts.DB_NAME)}${query}`;
}

/**
 * REDIS_URL with the password in it. A URL that already carries the same password is kept (a
 * launcher passes its own assembled URL on to the processes it starts); a different one is an error.
 */
export function redisUrlWithPassword(redisUrl: string, password: string | undefined): string {
  if (password === undefined) return redisUrl;
  const url = new URL(redisUrl);
  if (url.password) {
    if (decodeURIComponent(url.password) === password) return redisUrl;
    throw new ConfigError('REDIS_URL carries a password and REDIS_PASSWORD is set to another: set one');
  }
  url.password = encodeURIComponent(password);
  return url.toString();
}
