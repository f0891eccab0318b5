/**
 * The roll-ups campaign analytics reads (migration 0007): how a sighting's
 * field names its roll-up kind. Kept apart from the migration so that the
 * store's hot path need not load Kysely.
 */

/** Sinkhole fields whose clients are counted apart from victims, and the kind they roll up to. */
export const EXCLUDED_FIELDS = { 'sinkhole.crawler': 'crawler', 'sinkhole.scanner': 'scanner' } as const;

/** The roll-up kind of a sighting's `field` as SQL: '' for a victim, else the reason it is counted apart. */
export const ROLLUP_KIND_SQL = `CASE field ${Object.entries(EXCLUDED_FIELDS).map(([f, k]) => `WHEN '${f}' THEN '${k}'`).join(' ')} ELSE '' END`;

/** A UTC day number (days since 1970-01-01) from epoch milliseconds, as SQL over `ts`. */
export const DAY_SQL = 'ts / 86400000';

/** SQL: true for a sighting of a victim (not a client counted apart). */
export const VICTIM_FIELD_SQL = `field NOT IN (${Object.keys(EXCLUDED_FIELDS).map((f) => `'${f}'`).join(', ')})`;
