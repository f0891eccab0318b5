/**
 * What intel feeds and TAXII pulls need of a case (issue 14):
 * - indicator.first_seen, last_seen (ISO 8601 text, UTC, as the sources give
 *   them) and confidence (0–100): the earliest first-seen, the latest
 *   last-seen and the highest confidence any source gave; null when none did;
 * - sync_state: where each pull stopped, by a name the puller chooses
 *   (`taxii <api root> <collection>`), so the next pull asks only for what
 *   was added since.
 */
import type { Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('indicator').addColumn('first_seen', text).execute();
  await db.schema.alterTable('indicator').addColumn('last_seen', text).execute();
  await db.schema.alterTable('indicator').addColumn('confidence', 'integer').execute();
  await db.schema.createTable('sync_state')
    .addColumn('name', text, (c) => c.primaryKey())
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
}
