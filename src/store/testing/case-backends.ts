/**
 * The case backends a test above the store runs on: SQLite always, and
 * PostgreSQL when `$SIGHTLINE_TEST_POSTGRES` names a server (else skipped,
 * saying why). `freshCase` gives a new, empty case's location on either.
 *
 *   for (const b of caseBackends()) test(`… (${b.name})`, { skip: b.skip }, async () => {
 *     const c = await freshCase(b, dir);   // c.location for --db / openStore
 *     try { … } finally { await c.done(); }
 *   });
 */
import { join } from 'node:path';
import { postgresSkipReason, withTestDatabase } from './postgres.js';

export interface CaseBackend {
  name: 'sqlite' | 'postgres';
  /** false, or why tests on this backend skip. */
  skip: string | false;
}

/** Every backend, with its skip reason read now. */
export function caseBackends(): CaseBackend[] {
  return [{ name: 'sqlite', skip: false }, { name: 'postgres', skip: postgresSkipReason() }];
}

/**
 * A new, empty case on `backend`: the file `name` in `dir` for SQLite (which
 * `dir`'s owner removes), a database of its own for PostgreSQL (which
 * `done()` drops).
 */
export async function freshCase(backend: CaseBackend, dir: string, name = 'case.db'): Promise<{ location: string; done(): Promise<void> }> {
  if (backend.name === 'sqlite') return { location: join(dir, name), done: async () => undefined };
  const db = await withTestDatabase();
  if (!db) throw new Error(`no PostgreSQL server: ${String(postgresSkipReason())}`);
  return { location: db.url, done: () => db.drop() };
}
