/**
 * What campaign analytics reads (docs/design.md, "Campaign analytics"):
 * - sighting.host_id: the implant's own host identifier a beacon carried
 *   (`hostid=…`), so victims can be counted by host as well as by address;
 * - campaign.host_id_params: the URL parameters naming that identifier for
 *   one campaign (JSON array; `hostid` is always recognised);
 * - roll-ups kept up to date by every evidence commit, so that a campaign's
 *   statistics read one row per (indicator, source host) and per
 *   (indicator, day) instead of every sighting: rollup_src (kind '' for a
 *   victim, 'crawler' or 'scanner' for a sinkhole's clients counted apart;
 *   src '' for sightings without a source host), rollup_day (UTC days
 *   since 1970; clients counted apart left out), rollup_host (host identifiers with the address they came
 *   from);
 * - asset: the user's asset directory (an address, CIDR or host name →
 *   organisation, sector, country), the only owner internal addresses get.
 * Roll-ups are keyed by indicator, not campaign: an indicator that joins
 * another campaign later needs no rewrite.
 */
import { sql, type Kysely } from 'kysely';
import { DAY_SQL, ROLLUP_KIND_SQL, VICTIM_FIELD_SQL } from '../rollup.js';
import { textType, type MigrationContext } from './context.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const text = textType(ctx);
  const withoutRowid = ctx.dialect === 'sqlite' ? sql`without rowid` : sql``;
  await db.schema.alterTable('sighting').addColumn('host_id', text).execute();
  await db.schema.alterTable('campaign').addColumn('host_id_params', text).execute();

  await db.schema.createTable('rollup_src')
    .addColumn('indicator_id', 'integer', (c) => c.notNull())
    .addColumn('src', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('first_ts', 'bigint')
    .addColumn('last_ts', 'bigint')
    .addColumn('sightings', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_src_pk', ['indicator_id', 'src', 'kind'])
    .modifyEnd(withoutRowid)
    .execute();
  await db.schema.createIndex('rollup_src_src').on('rollup_src').columns(['src', 'indicator_id']).execute();
  await db.schema.createTable('rollup_day')
    .addColumn('indicator_id', 'integer', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('sightings', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_day_pk', ['indicator_id', 'day'])
    .modifyEnd(withoutRowid)
    .execute();
  await db.schema.createTable('rollup_host')
    .addColumn('indicator_id', 'integer', (c) => c.notNull())
    .addColumn('host_id', text, (c) => c.notNull())
    .addColumn('src', text, (c) => c.notNull())
    .addColumn('sightings', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_host_pk', ['indicator_id', 'host_id', 'src'])
    .modifyEnd(withoutRowid)
    .execute();

  const id = ctx.dialect === 'postgres'
    ? db.schema.createTable('asset').addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : db.schema.createTable('asset').addColumn('id', 'integer', (c) => c.primaryKey());
  await id
    .addColumn('address', text, (c) => c.notNull().unique())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('organisation', text)
    .addColumn('sector', text)
    .addColumn('country', text)
    .execute();

  // Sightings already in the case.
  await sql`INSERT INTO rollup_src(indicator_id, src, kind, first_ts, last_ts, sightings)
    SELECT indicator_id, coalesce(src, ''), ${sql.raw(ROLLUP_KIND_SQL)}, min(ts), max(ts), count(*) FROM sighting
    GROUP BY indicator_id, coalesce(src, ''), ${sql.raw(ROLLUP_KIND_SQL)}`.execute(db);
  await sql`INSERT INTO rollup_day(indicator_id, day, sightings)
    SELECT indicator_id, ${sql.raw(DAY_SQL)}, count(*) FROM sighting WHERE ts IS NOT NULL AND ts >= 0 AND ${sql.raw(VICTIM_FIELD_SQL)} GROUP BY indicator_id, ${sql.raw(DAY_SQL)}`.execute(db);
}
