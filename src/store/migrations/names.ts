/**
 * The names of every migration, in order. Kept apart from the migrations
 * themselves so that opening an up-to-date case need not load Kysely.
 */
export const MIGRATION_NAMES = ['0001-initial', '0002-samples', '0003-sighting-detail', '0004-hunt-coverage', '0005-hunt-claim', '0006-folded-names', '0007-victims', '0008-serve', '0009-feeds-sync'] as const;
