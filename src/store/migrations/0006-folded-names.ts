/**
 * Campaign names and aliases compare case-insensitively by an explicit
 * `lower()` in every query, on an index of it, rather than by SQLite's
 * `collate nocase` alone (a column property PostgreSQL does not have): the
 * same queries then work on both. Both fold ASCII only, as before.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.createIndex('campaign_name_folded').on('campaign').expression(sql`lower(name)`).execute();
  await db.schema.createIndex('campaign_alias_folded').on('campaign_alias').expression(sql`lower(alias)`).execute();
}
