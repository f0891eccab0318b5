/**
 * What `sightline serve` needs of a case (docs/api.md):
 * - api_token: the API's bearer tokens, by the SHA-256 of the token (the
 *   token itself is shown once, when created, and never stored), with the
 *   role it grants (`reader` or `analyst`);
 * - case_revision: counters bumped by the writes that change what a
 *   campaign's statistics say but add no sighting or evidence hunt (an
 *   intel import, campaigns and their settings, the asset directory), so the
 *   server can tell a cached result is stale by reading a few rows
 *   (Store.revision);
 * - sighting_ts_indicator (ts, indicator_id) in place of sighting_ts (ts):
 *   a time window of a campaign's sightings (the dashboard's timeline) is
 *   read from the index alone, the campaign checked on the index's
 *   indicator id, and only the page's rows read from the table (measured in
 *   bench/serve: a week of a campaign's sightings at 1,000,000 sightings).
 */
import type { Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  const id = ctx.dialect === 'postgres'
    ? db.schema.createTable('api_token').addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : db.schema.createTable('api_token').addColumn('id', 'integer', (c) => c.primaryKey());
  await id
    .addColumn('sha256', text, (c) => c.notNull().unique())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('name', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  // On PostgreSQL with the id that SQLite's index entries end with: a time-ordered page is then the index's own order.
  await db.schema.createIndex('sighting_ts_indicator').on('sighting')
    .columns(ctx.dialect === 'postgres' ? ['ts', 'indicator_id', 'id'] : ['ts', 'indicator_id']).execute();
  await db.schema.dropIndex('sighting_ts').execute();
  await db.schema.createTable('case_revision')
    .addColumn('name', text, (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
}
