/**
 * Retro-hunting: an evidence file counts as hunted *for the indicators it was
 * matched against*. Each indicator reference records the import generation
 * that added it (`gen`), and each hunt of an evidence file records what it
 * selected (`evidence_hunt`: the generation it saw, its campaign, whether
 * warninglisted indicators were included, and the format family it read the
 * file as). An indicator reference is covered by a hunt when its generation
 * is at most the hunt's and it passes the hunt's campaign and warninglist
 * selection; a later hunt matches only what no earlier one covered.
 *
 * Sightings carry their own format (a file read as text and scanned as a
 * sample has sightings of both), null meaning the evidence's.
 *
 * Cases made before this migration count their evidence as hunted, in any
 * format family ('*'), against every indicator they held (generation 0).
 */
import { sql, type Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  await db.schema.alterTable('indicator_ref').addColumn('gen', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('indicator_ref_gen').on('indicator_ref').columns(['gen', 'indicator_id']).execute();
  const id = ctx.dialect === 'postgres'
    ? db.schema.createTable('evidence_hunt').addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : db.schema.createTable('evidence_hunt').addColumn('id', 'integer', (c) => c.primaryKey());
  await id
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id'))
    .addColumn('family', text, (c) => c.notNull())
    .addColumn('format', text, (c) => c.notNull())
    .addColumn('max_gen', 'bigint', (c) => c.notNull())
    .addColumn('campaign_id', 'integer', (c) => c.references('campaign.id'))
    .addColumn('include_warninglisted', 'integer', (c) => c.notNull())
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addColumn('records', 'bigint', (c) => c.notNull())
    .addColumn('skipped', 'bigint', (c) => c.notNull())
    .addColumn('hunted_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_hunt_evidence').on('evidence_hunt').columns(['evidence_id', 'family']).execute();
  await sql`INSERT INTO evidence_hunt(evidence_id, family, format, max_gen, campaign_id, include_warninglisted, lines, records, skipped, hunted_at)
    SELECT id, '*', format, 0, NULL, 1, lines, records, skipped, hunted_at FROM evidence`.execute(db);
  await db.schema.alterTable('sighting').addColumn('format', text).execute();
}
