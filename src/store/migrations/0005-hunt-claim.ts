/**
 * Several hunts on one case: a process claims an evidence file (by path, size
 * and modification time) before reading it, so a file another process is
 * hunting right now is not read twice. A claim names its process and host; a
 * claim whose process is gone (same host) or that is older than a day is stale.
 */
import type { Kysely } from 'kysely';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  await db.schema.createTable('hunt_claim')
    .addColumn('path', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mtime_ms', 'bigint', (c) => c.notNull())
    .addColumn('host', text, (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('hunt_claim_pk', ['path', 'size', 'mtime_ms'])
    .execute();
}
