/** Sightings carry a detail (JSON): for YARA, the rule's namespace, tags, metadata and matched strings. */
import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('sighting').addColumn('detail', 'text').execute();
}
