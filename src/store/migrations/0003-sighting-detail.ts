/** Sightings carry a detail (JSON): for YARA, the rule's namespace, tags, metadata and matched strings. */
import type { Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  await db.schema.alterTable('sighting').addColumn('detail', text).execute();
}
