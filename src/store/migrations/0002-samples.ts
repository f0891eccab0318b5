/** Samples: every scanned file, its facts, where it was found; sightings point at the sample they were seen in. */
import type { Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  const table = db.schema.createTable('sample');
  // A listing of samples pages by row order: SQLite's rowid; PostgreSQL has none, so it gets an identity column.
  await (ctx.dialect === 'postgres' ? table.addColumn('id', 'bigint', (c) => c.generatedByDefaultAsIdentity().notNull().unique()) : table)
    .addColumn('sha256', text, (c) => c.primaryKey())
    .addColumn('md5', text, (c) => c.notNull())
    .addColumn('sha1', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('facts', text)
    .addColumn('first_seen', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sample_md5').on('sample').column('md5').execute();
  await db.schema.createTable('sample_path')
    .addColumn('sha256', text, (c) => c.notNull().references('sample.sha256'))
    .addColumn('path', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('sample_path_pk', ['sha256', 'path'])
    .execute();
  await db.schema.alterTable('sighting').addColumn('sample_sha256', text).execute();
  // With the id on PostgreSQL, as SQLite's index entries end with the rowid (0001).
  await db.schema.createIndex('sighting_sample').on('sighting').columns(ctx.dialect === 'postgres' ? ['sample_sha256', 'id'] : ['sample_sha256']).execute();
}
