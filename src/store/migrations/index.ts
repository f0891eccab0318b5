/**
 * Versioned migrations, applied in order by Kysely's Migrator. Each is
 * written once with Kysely's schema builder and runs on every dialect; the
 * context says which, for the few places SQL differs (identity columns).
 * Never edit a migration that has shipped: add the next one.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-samples.js';
import * as m0003 from './0003-sighting-detail.js';
import * as m0004 from './0004-hunt-coverage.js';
import * as m0005 from './0005-hunt-claim.js';
import * as m0006 from './0006-folded-names.js';
import * as m0007 from './0007-victims.js';
import * as m0008 from './0008-serve.js';
import * as m0009 from './0009-feeds-sync.js';
import type { MigrationContext } from './context.js';
import { MIGRATION_NAMES } from './names.js';

export { MIGRATION_NAMES };

export type { MigrationContext } from './context.js';

type MigrationModule = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

const MIGRATIONS: Record<(typeof MIGRATION_NAMES)[number], MigrationModule> = {
  '0001-initial': m0001,
  '0002-samples': m0002,
  '0003-sighting-detail': m0003,
  '0004-hunt-coverage': m0004,
  '0005-hunt-claim': m0005,
  '0006-folded-names': m0006,
  '0007-victims': m0007,
  '0008-serve': m0008,
  '0009-feeds-sync': m0009,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly ctx: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, mod] of Object.entries(MIGRATIONS)) {
      out[name] = { up: (db) => mod.up(db, this.ctx) };
    }
    return out;
  }
}

/** Brings the case's schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(ctx) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`case schema migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
