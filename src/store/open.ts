/** Opens a case by location: a SQLite file path (default) or a postgres:// URL. */
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** The default case file when neither `--db` nor `SIGHTLINE_DB` names one. */
export const DEFAULT_CASE = './sightline.db';

export async function openStore(location: string = DEFAULT_CASE): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new Error('PostgreSQL cases are not supported yet: use a SQLite file path');
  }
  return openSqliteStore(location);
}
