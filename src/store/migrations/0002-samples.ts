/** Samples: every scanned file, its facts, where it was found; sightings point at the sample they were seen in. */
import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.createTable('sample')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('sha1', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('facts', 'text')
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sample_md5').on('sample').column('md5').execute();
  await db.schema.createTable('sample_path')
    .addColumn('sha256', 'text', (c) => c.notNull().references('sample.sha256'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sample_path_pk', ['sha256', 'path'])
    .execute();
  await db.schema.alterTable('sighting').addColumn('sample_sha256', 'text').execute();
  await db.schema.createIndex('sighting_sample').on('sighting').column('sample_sha256').execute();
}
