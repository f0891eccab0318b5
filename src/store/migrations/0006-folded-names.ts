/**
 * Campaign names and aliases compare case-insensitively by an explicit
 * `lower()` in every query, on an index of it, rather than by SQLite's
 * `collate nocase` alone (a column property PostgreSQL does not have): the
 * same queries then work on both. Both fold ASCII only, as before.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    // PostgreSQL has no nocase column: its queries fold with lower(x COLLATE "C"), which folds ASCII only whatever the
    // database's locale (as SQLite's lower() and nocase do), and these indexes of that form also keep names and a
    // campaign's aliases unique case-insensitively, as SQLite's nocase columns (0001) do.
    await sql`CREATE UNIQUE INDEX campaign_name_folded ON campaign (lower(name COLLATE "C"))`.execute(db);
    await sql`CREATE INDEX campaign_alias_folded ON campaign_alias (lower(alias COLLATE "C"))`.execute(db);
    await sql`CREATE UNIQUE INDEX campaign_alias_unique_folded ON campaign_alias (campaign_id, lower(alias COLLATE "C"))`.execute(db);
    return;
  }
  await db.schema.createIndex('campaign_name_folded').on('campaign').expression(sql`lower(name)`).execute();
  await db.schema.createIndex('campaign_alias_folded').on('campaign_alias').expression(sql`lower(alias)`).execute();
}
