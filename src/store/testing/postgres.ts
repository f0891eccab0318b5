/**
 * A throwaway PostgreSQL database for tests: the server is the one
 * `$SIGHTLINE_TEST_POSTGRES` names (a superuser's URL, e.g.
 * `postgres://postgres@127.0.0.1:54329/postgres`; `.ci/run` starts one), the
 * database a fresh one with a random name, dropped after. Without the
 * variable, tests that need a server skip, saying why.
 *
 *   test('…', { skip: postgresSkipReason() }, async () => {
 *     const db = await withTestDatabase();   // null only when skipped
 *     try { … db.url … } finally { await db?.drop(); }
 *   });
 *
 * Used by tests only (testing/ is not built into dist).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The environment variable naming the test server. */
export const TEST_POSTGRES_ENV = 'SIGHTLINE_TEST_POSTGRES';

/** A database created for one test file (or one test). */
export interface TestDatabase {
  /** Its URL: the server's, with this database's name. */
  url: string;
  /** Its name (`sightline_test_<hex>`). */
  name: string;
  /** Drops it, closing whatever connections are left (a killed child's, a store not closed). Safe to call twice. */
  drop(): Promise<void>;
}

/** The server's URL, or null when `$SIGHTLINE_TEST_POSTGRES` is unset or empty. */
export function testPostgresUrl(): string | null {
  const url = process.env[TEST_POSTGRES_ENV];
  return url === undefined || url.trim() === '' ? null : url.trim();
}

/** For `test(name, { skip: postgresSkipReason() }, …)`: false when a server is named, else why the test skips. */
export function postgresSkipReason(): string | false {
  return testPostgresUrl() === null
    ? `$${TEST_POSTGRES_ENV} is unset: no PostgreSQL server to test against (.ci/run starts one; set it to a superuser's URL)`
    : false;
}

/** `url` with another database name (and nothing else changed). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates a fresh database on the test server, or returns null when no
 * server is named (the caller skips; `postgresSkipReason()` says why).
 */
export async function withTestDatabase(): Promise<TestDatabase | null> {
  const server = testPostgresUrl();
  if (server === null) return null;
  const name = `sightline_test_${randomBytes(6).toString('hex')}`;
  // The name is ours (hex): quoting it is enough. A linguistic collation (ICU's en-US, as a server set up for English
  // users has), not byte order, so a query that shows text in the database's order rather than SQLite's fails here;
  // a server built without ICU gets its default.
  await admin(server, async (c) => {
    try {
      await c.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    } catch {
      await c.query(`CREATE DATABASE "${name}"`);
    }
  });
  let dropped = false;
  return {
    url: withDatabase(server, name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Rows of one statement on the database at `url`, as arrays (int8 and numeric read as numbers), on a connection of its own. */
export async function queryDatabase(url: string, text: string, values: readonly unknown[] = []): Promise<unknown[][]> {
  const types = {
    getTypeParser: ((oid: number, format?: string) => (oid === 20 || oid === 1700
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
  };
  const c = new pg.Client({ connectionString: url, types });
  await c.connect();
  try {
    return (await c.query({ text, values: [...values], rowMode: 'array' })).rows as unknown[][];
  } finally {
    await c.end();
  }
}
