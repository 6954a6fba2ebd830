import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export type Dialect = 'sqlite' | 'mysql';
export const mysqlServerUrl = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A fresh, empty database of its own for one test: a MariaDB schema or a SQLite file. */
export async function createTestDatabase(
  dialect: Dialect,
): Promise<{ url: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aira-test-'));
  if (dialect === 'sqlite') {
    return {
      url: `sqlite://${join(dataDir, 'aira.sqlite')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `aira_test_${randomBytes(6).toString('hex')}`;
  const conn = await createConnection(mysqlServerUrl);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(mysqlServerUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const c = await createConnection(mysqlServerUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Both dialects, for `describe.each`: every database test runs on MariaDB and SQLite. */
export const dialects: Dialect[] = ['sqlite', 'mysql'];
