/** The case a command works on: `--db PATH|URL`, else $SIGHTLINE_DB, else ./sightline.db. */
import { openStore, DEFAULT_CASE, type Store } from '../index.js';

export interface GlobalOptions {
  db?: string;
}

export function caseLocation(g: GlobalOptions): string {
  return g.db ?? process.env['SIGHTLINE_DB'] ?? DEFAULT_CASE;
}

/** Opens the case, runs `fn`, and closes the case whatever happens. */
export async function withStore<T>(g: GlobalOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(caseLocation(g));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
