/** What a migration is told about the database it runs on. */
import { sql, type Expression } from 'kysely';

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}

/**
 * The type of a text column. SQLite compares and orders text by its bytes
 * (BINARY) unless a column says otherwise; PostgreSQL by the database's
 * locale, which is slower (an ICU or libc comparison per index step: writing
 * sightings ran at a quarter of the speed under en-US) and orders otherwise.
 * On PostgreSQL every text column is COLLATE "C": bytes, as on SQLite.
 */
export function textType(ctx: MigrationContext): 'text' | Expression<unknown> {
  return ctx.dialect === 'postgres' ? sql`text collate "C"` : 'text';
}
