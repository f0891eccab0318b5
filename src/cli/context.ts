/** The case a command works on: `--db PATH|URL`, else $SIGHTLINE_DB, else ./sightline.db. */
import { existsSync } from 'node:fs';
import { openStore, DEFAULT_CASE, isPostgresLocation, type Store } from '../index.js';

export interface GlobalOptions {
  db?: string;
}

export function caseLocation(g: GlobalOptions): string {
  return g.db ?? process.env['SIGHTLINE_DB'] ?? DEFAULT_CASE;
}

/** Thrown when a command that only reads a case is pointed at one that does not exist. */
export class NoSuchCaseError extends Error {}

/**
 * Opens the case, runs `fn`, and closes the case whatever happens. Commands
 * that only read a case (or, like hunt, need its indicators) pass
 * `mustExist`: a mistyped path is an error, not a new empty case.
 */
export async function withStore<T>(g: GlobalOptions, fn: (store: Store) => Promise<T>, opts: { mustExist?: boolean } = {}): Promise<T> {
  const location = caseLocation(g);
  if (opts.mustExist && !isPostgresLocation(location) && !existsSync(location)) {
    throw new NoSuchCaseError(`no case at ${location}: check --db (or $SIGHTLINE_DB); \`sightline intel import\` creates a case`);
  }
  const store = await openStore(location);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
