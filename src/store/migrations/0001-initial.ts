/** The first schema: campaigns, indicators with their campaigns and sources, evidence and sightings. */
import { sql, type Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  // PostgreSQL: identity columns, 64-bit (a country's sinkhole traffic passes 2^31 sightings).
  const id = ctx.dialect === 'postgres'
    ? (t: string) => db.schema.createTable(t).addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : (t: string) => db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey());
  // SQLite's index entries end with the rowid, so an index on (x) is one on (x, id) and gives a column's rows in id order
  // (a page of one evidence file's or one source's sightings); PostgreSQL's do not: the id is named.
  const byId = (cols: string[]) => (ctx.dialect === 'postgres' ? [...cols, 'id'] : cols);
  const nocase = ctx.dialect === 'sqlite' ? sql`collate nocase` : sql``;

  await id('campaign').addColumn('name', text, (c) => c.notNull().modifyEnd(nocase)).execute();
  await db.schema.createIndex('campaign_name').on('campaign').column('name').unique().execute();
  await db.schema.createTable('campaign_alias')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('alias', text, (c) => c.notNull().modifyEnd(nocase))
    .addPrimaryKeyConstraint('campaign_alias_pk', ['campaign_id', 'alias'])
    .execute();
  await db.schema.createIndex('campaign_alias_alias').on('campaign_alias').column('alias').execute();

  await id('source').addColumn('name', text, (c) => c.notNull().unique()).execute();
  await id('rule_source')
    .addColumn('sha256', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('text', text, (c) => c.notNull())
    .execute();

  await id('indicator')
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('warninglist', text)
    .addColumn('description', text)
    .addColumn('rule_source_id', 'integer', (c) => c.references('rule_source.id'))
    .addUniqueConstraint('indicator_type_value', ['type', 'value'])
    .execute();
  await db.schema.createTable('indicator_ref')
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicator.id'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('source.id'))
    .addPrimaryKeyConstraint('indicator_ref_pk', ['indicator_id', 'campaign_id', 'source_id'])
    // In SQLite the key is the table: one B-tree fewer to write per indicator.
    .modifyEnd(ctx.dialect === 'sqlite' ? sql`without rowid` : sql``)
    .execute();
  await db.schema.createIndex('indicator_ref_campaign').on('indicator_ref').columns(['campaign_id', 'indicator_id']).execute();

  await id('evidence')
    .addColumn('path', text, (c) => c.notNull())
    .addColumn('sha256', text, (c) => c.notNull().unique())
    .addColumn('format', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mtime_ms', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addColumn('records', 'bigint', (c) => c.notNull())
    .addColumn('skipped', 'bigint', (c) => c.notNull())
    .addColumn('hunted_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_path').on('evidence').columns(['path', 'size', 'mtime_ms']).execute();

  await id('sighting')
    .addColumn('evidence_id', 'integer', (c) => c.notNull().references('evidence.id'))
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicator.id'))
    .addColumn('matched', text, (c) => c.notNull())
    .addColumn('field', text, (c) => c.notNull())
    .addColumn('ts', 'bigint')
    .addColumn('src', text)
    .addColumn('dst', text)
    .addColumn('line', 'bigint')
    .addColumn('packet', 'bigint')
    .addColumn('inside', text)
    .execute();
  await db.schema.createIndex('sighting_indicator').on('sighting').columns(byId(['indicator_id'])).execute();
  await db.schema.createIndex('sighting_evidence').on('sighting').columns(byId(['evidence_id'])).execute();
  await db.schema.createIndex('sighting_ts').on('sighting').column('ts').execute();
  await db.schema.createIndex('sighting_src').on('sighting').columns(byId(['src'])).execute();
}
