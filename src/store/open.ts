/** Opens a case by location: a SQLite file path (default) or a postgres:// URL. */
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { isPostgresLocation } from './location.js';
import type { Store } from './store.js';

export { isPostgresLocation, shownLocation } from './location.js';

/** The default case file when neither `--db` nor `SIGHTLINE_DB` names one. */
export const DEFAULT_CASE = './sightline.db';

export async function openStore(location: string = DEFAULT_CASE): Promise<Store> {
  if (isPostgresLocation(location)) {
    // Loaded only here: a hunt on a SQLite case never loads pg.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(location);
  }
  return openSqliteStore(location);
}
