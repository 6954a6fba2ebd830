import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  MysqlAdapter,
  MysqlDialect,
  SqliteDialect,
} from 'kysely';
import { migrations } from './migrations';
import type { DB } from './schema';

export type Db = Kysely<DB>;
export type Dialect = 'mysql' | 'sqlite';

/**
 * Opens the database: MySQL (or Aurora MySQL) for a `mysql://` URL, else SQLite at `sqlite://path`
 * or `<dataDir>/aira.sqlite`. SQLite runs in WAL mode so the gateway can read while a writer writes.
 * The driver loads on the first query, and only the one in use: a chat worker that never reads the
 * database starts without either.
 */
export function createDb(opts: { url?: string | undefined; dataDir: string; poolSize?: number }): Db {
  const url = opts.url;
  if (url?.startsWith('mysql://')) {
    const pool = async () =>
      (await import('mysql2')).createPool({
        uri: url,
        connectionLimit: opts.poolSize ?? 10,
        // Times are epoch milliseconds in BIGINT columns; they fit a JS number.
        supportBigNumbers: true,
        bigNumberStrings: false,
        charset: 'utf8mb4',
      });
    return new Kysely<DB>({ dialect: new MysqlDialect({ pool }) });
  }
  const file = url?.startsWith('sqlite://')
    ? url.slice('sqlite://'.length)
    : join(opts.dataDir, 'aira.sqlite');
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const database = async () => {
    const { default: SQLite } = await import('better-sqlite3');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    return sqlite;
  };
  return new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
}

// biome-ignore lint/suspicious/noExplicitAny: any schema
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof MysqlAdapter ? 'mysql' : 'sqlite';
}

const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
};

/** Brings the schema up to date; safe to run from several processes (the migrator takes a lock). */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
