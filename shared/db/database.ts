import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  MysqlAdapter,
  MysqlDialect,
  SqliteDialect,
} from 'kysely';
import { createPool } from 'mysql2';
import { migrations } from './migrations';
import type { DB } from './schema';

export type Db = Kysely<DB>;
export type Dialect = 'mysql' | 'sqlite';

/**
 * Opens the database: MySQL (or Aurora MySQL) for a `mysql://` URL, else SQLite at `sqlite://path`
 * or `<dataDir>/aira.sqlite`. SQLite runs in WAL mode so the gateway can read while a writer writes.
 */
export function createDb(opts: { url?: string | undefined; dataDir: string; poolSize?: number }): Db {
  if (opts.url?.startsWith('mysql://')) {
    const pool = createPool({
      uri: opts.url,
      connectionLimit: opts.poolSize ?? 10,
      // Times are epoch milliseconds in BIGINT columns; they fit a JS number.
      supportBigNumbers: true,
      bigNumberStrings: false,
      charset: 'utf8mb4',
    });
    return new Kysely<DB>({ dialect: new MysqlDialect({ pool }) });
  }
  const file = opts.url?.startsWith('sqlite://')
    ? opts.url.slice('sqlite://'.length)
    : join(opts.dataDir, 'aira.sqlite');
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
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
