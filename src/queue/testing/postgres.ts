/**
 * A throwaway PostgreSQL database for a test file, on the server that
 * $SIGHTLINE_TEST_POSTGRES names (a superuser URL, e.g.
 * postgres://postgres@127.0.0.1:54330/postgres). Tests skip, saying why,
 * when it is unset. Used by tests and benchmarks only.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** For `test(name, { skip: skipUnlessPostgres() }, …)`: false when a server is named, else the reason to skip. */
export function skipUnlessPostgres(): string | false {
  return process.env['SIGHTLINE_TEST_POSTGRES'] ? false : 'SIGHTLINE_TEST_POSTGRES is unset (a superuser URL of a PostgreSQL server on 127.0.0.1); this test needs one';
}

/**
 * Creates a database with a random name on the test server; `drop()` drops
 * it (and ends what is still connected to it). Null when no server is named.
 */
export async function withTestDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = process.env['SIGHTLINE_TEST_POSTGRES'];
  if (!admin) return null;
  const name = `sightline_test_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
