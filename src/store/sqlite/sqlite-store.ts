/**
 * The SQLite case (the default): one file, better-sqlite3 through Kysely.
 * Migrations and the portable read queries go through Kysely, loaded only
 * when needed (it costs a tenth of a second to load, and a hunt on an
 * up-to-date case needs none of it); the bulk
 * paths (merging a million indicators, writing sightings) use prepared
 * better-sqlite3 statements directly, because a per-row promise would cost
 * more than the insert itself. Every write runs in a transaction; the
 * database is in WAL mode, so a process killed mid-write leaves the case as
 * it was at the last commit.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { INDICATOR_TYPES, type Campaign, type CampaignInfo, type Indicator, type IndicatorType, type Sighting } from '../../core/model.js';
import type { Database } from '../schema.js';
import { MIGRATION_NAMES } from '../migrations/names.js';
import { DAY_SQL, ROLLUP_KIND_SQL, VICTIM_FIELD_SQL } from '../rollup.js';
import { sightingDetail } from '../sighting-detail.js';
import {
  HOST, ImportNumbering, addIndicatorsWith, claimIsStale, huntPage, hostIdParamList, hostIdParamsJson, mergeSources, mergeVictims, overlapOf, shownValue, sightingsInPages, stringList, untimedMayMatch, toEvidence, toIndicator, toSample, toSightingRows,
  type IndicatorDbRow, type SampleDbRow, type SightingDbRow,
} from '../rows.js';
import { RepeatedKeys } from './repeated-keys.js';
import type {
  ApiRole, ApiToken, AssetRecord, CampaignActivity, CampaignOverlap, CaseRevision, CommitOutcome, EvidenceCommit, EvidenceFilter, EvidenceRow,
  EvidenceWriter, HuntFilter, HuntIndicator, HuntSelection, ImportCounts, IndexKey, IndicatorFilter, IndicatorInput, IndicatorRow, IndicatorWriter,
  SampleFilter, SampleInput, SampleRecord, SampleRow, SightingFilter, SightingInput, SightingOrder, SightingRow, SightingTimeKey, SourceActivity, Store, StoredEvidence,
} from '../store.js';

type Db = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** Rows fetched per step when streaming a listing. */
const LIST_PAGE_ROWS = 2000;
/**
 * A time window holding at least this many sightings is read in id order
 * (its page is met early) rather than from the (ts, indicator_id) index
 * (which would sort the whole window by id): either way a page reads no
 * more than some tens of thousands of index entries.
 */
const WINDOW_PROBE_ROWS = 20_000;
/** Prepared statements of listings kept at most (their SQL varies only with the filters given). */
const MAX_CACHED_STATEMENTS = 256;
/** Indicator ids covered per step when loading a hunt's indicators. */
const HUNT_PAGE_IDS = 50_000;
/**
 * How long a writer waits for another process's transaction (a hunt's
 * commit, an intel file's merge) before giving up. Transactions are short —
 * evidence is read and staged outside them — but a merge of a million
 * indicators takes seconds on a slow disk.
 */
const BUSY_TIMEOUT_MS = 10 * 60 * 1000;
/** Pages of temporary tables (staged sightings) kept in memory before they spill to a temporary file: 16 MiB. */
const TEMP_CACHE_KIB = 16 * 1024;
/** Pages of the case kept in memory: 64 MiB (bulk merges touch B-trees all over). */
const MAIN_CACHE_KIB = 64 * 1024;
/**
 * The case's page cache while an indicator writer commits (fold and merge):
 * 16 MiB. SQLite's sorter takes its memory budget from the main database's
 * cache_size, not the temporary one's; past it, it writes sorted runs to a
 * temporary file and merges them. Measured on a 1M-line list, sort alone:
 * 1.8–2.3 s of CPU with 16 MiB, 2.2–2.7 s with 64 MiB for the sorter and 64
 * MiB of temporary cache (the setting before), which cost ~55 MB more
 * memory. The merge writes in key order and needs few pages either.
 */
const IMPORT_MAIN_CACHE_KIB = 16 * 1024;

/** Columns of a staged indicator row (temp.stage, its rowid first), and the placeholders of one. */
const STAGE_COLUMNS = 11;
const STAGE_ROW = `(${new Array(STAGE_COLUMNS).fill('?').join(', ')})`;
/**
 * Staged indicator rows per INSERT: one statement call per row costs more
 * than the row's insert (measured, 1M rows: 1.4–1.6 s of CPU one by one,
 * 1.0–1.1 s sixteen at a time).
 */
const STAGE_ROWS_PER_INSERT = 16;
/**
 * A staged row's columns as stage_key takes them, and the same folded over
 * the rows of one key: the warninglist and rule file named last win (a file
 * names one of each), the first description does (the rowid prefix keeps
 * row order inside min(); a key's rows are few); the earliest first-seen,
 * the latest last-seen and the highest confidence (migration 0009; min and
 * max skip nulls). A group of one row folds to that row.
 */
const STAGED_COLUMNS = 'type, value, warninglist, description, rule, first_seen, last_seen, confidence';
const FOLDED_COLUMNS = `type, value, max(warninglist), substr(min(CASE WHEN description IS NOT NULL THEN printf('%010d', rowid) || description END), 11),
          max(rule), min(first_seen), max(last_seen), max(confidence)`;
/**
 * Past one staged row in this many whose key may repeat, every row is
 * folded by GROUP BY rather than the repeats alone (their rowids are staged
 * one by one, and the NOT IN look-up is paid by every row). Measured on a
 * 1M-row list with 9 repeated keys (whole import profiled, twice each): the
 * fold took 1.6 s of CPU against 2.1–2.4 s folding every row; hashing the
 * keys while staging costs ~0.2–0.3 s of it back, and the table ~16 MB
 * (8 bytes a slot, at most half full; peak RSS ~40 MB higher in all).
 */
const REPEATED_ROWS_FOLD_ALL = 8;

/**
 * A sighting row's own columns, as arrays (`raw()`: better-sqlite3 builds an
 * object per row at about twice the cost of the row's read), in the order
 * RawSighting names them; the page's WHERE follows. The indicator and the
 * evidence file come from PageLookups, not joins.
 */
const SIGHTING_COLUMNS = `SELECT x.id, x.evidence_id, x.indicator_id, x.matched, x.field, x.ts, x.src, x.dst, x.line, x.packet, x.inside, x.detail,
        x.host_id, x.format FROM sighting x`;
type RawSighting = [id: number, evidenceId: number, indicatorId: number, matched: string, field: string, ts: number | null, src: string | null,
  dst: string | null, line: number | null, packet: number | null, inside: string | null, detail: string | null, hostId: string | null, format: string | null];

/**
 * Indicators (type, value, campaigns) and evidence files (path, format) as
 * sighting pages show them, read once and kept while the case is unchanged:
 * a page of 100 sightings names a few of each, and joining them per row cost
 * a quarter of the page's time. With them, what every API request asks (the
 * tokens, a campaign's name). Dropped when `PRAGMA data_version` (another
 * connection's commit) or total_changes() (this connection's writes) moves.
 */
interface PageLookups {
  version: string;
  indicators: Map<number, { type: string; value: string; campaigns: string[] }>;
  evidence: Map<number, { path: string; format: string }>;
  /** Campaign names and aliases as asked, and the campaign each resolves to (null: none). */
  campaigns: Map<string, string | null>;
  /** The API tokens' rows. */
  tokens?: { id: number; sha256: string; role: string; name: string | null; created_at: string }[];
}
/** A sighting row with its indicator's campaigns (from PageLookups). */
type PageRow = SightingDbRow & { campaigns: string[] };
/** Entries kept per map at most (a case may hold millions of indicators): past it the map starts again. */
const MAX_LOOKUP_ENTRIES = 100_000;

/** Opens (creating if needed) a SQLite case file and brings its schema up to date. */
export async function openSqliteStore(path: string): Promise<Store> {
  const db = new BetterSqlite3(path);
  // 8 KiB pages (a new case only: the size is fixed once the file has tables):
  // fewer page splits when a million indicators are merged.
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Staged sightings live in temporary tables: in memory up to TEMP_CACHE_KIB, then in a temporary file.
  db.pragma('temp_store = FILE');
  db.pragma(`temp.cache_size = -${TEMP_CACHE_KIB}`);
  // 64 MiB of page cache: bulk merges touch B-trees all over.
  db.pragma(`cache_size = -${MAIN_CACHE_KIB}`);
  // Checkpoint the WAL every 64 MiB rather than every 4: bulk imports and
  // hunts write in large transactions, and each checkpoint rewrites pages.
  db.pragma('wal_autocheckpoint = 16384');
  const store = new SqliteStore(path, db);
  if (!schemaIsCurrent(db)) {
    const { migrateToLatest } = await import('../migrations/index.js');
    await migrateToLatest(await store.kysely() as unknown as Kysely<unknown>, { dialect: 'sqlite' });
  }
  store.prepareStatements();
  return store;
}

/** Whether every migration has been applied (read without loading Kysely). */
function schemaIsCurrent(db: Db): boolean {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
  if (!table) return false;
  const done = new Set((db.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map((r) => r.name));
  return MIGRATION_NAMES.every((n) => done.has(n));
}

class SqliteStore implements Store {
  private readonly campaignIds = new Map<string, number>();
  private readonly sourceIds = new Map<string, number>();
  private readonly ruleSourceIds = new Map<string, number>();
  private st: Record<string, Statement> = {};
  /** Statements of listings and pages, by SQL text (see cached()). */
  private readonly statements = new Map<string, Statement>();
  /** What sighting pages read instead of joins, for the case as it was last read (see PageLookups). */
  private lookups: PageLookups | null = null;
  private k: Kysely<Database> | null = null;
  /** Whether an evidence writer is open (its staging tables are this connection's). */
  private writing = false;
  /** Whether an indicator writer is open (its staging tables are this connection's). */
  private importing = false;

  constructor(readonly location: string, private readonly db: Db) {}

  /** Kysely over this connection, loaded on first use. */
  async kysely(): Promise<Kysely<Database>> {
    if (!this.k) {
      const { Kysely: K, SqliteDialect } = await import('kysely');
      this.k = new K<Database>({ dialect: new SqliteDialect({ database: this.db }) });
    }
    return this.k;
  }

  /** Prepares the statements of the hot paths (the schema must be current). */
  prepareStatements(): void {
    const db = this.db;
    const p = (s: string) => db.prepare(s);
    // One imported file's indicators, staged outside the case's write lock. Campaigns, sources and
    // rule files are the writer's own numbers (`local`), given case ids at commit, inside the lock.
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS stage(type TEXT NOT NULL, value TEXT NOT NULL, warninglist TEXT, description TEXT,
      rule INTEGER, campaign INTEGER NOT NULL, source INTEGER NOT NULL, first_seen TEXT, last_seen TEXT, confidence INTEGER)`);
    // The staged rows folded to one per (type, value), in key order: new indicators take ids in (type, value) order within
    // each imported file (what `intel list` shows), so the (type, value) index and the references are appended to, not
    // split all over (measured: 0.52–0.59× `sqlite3 .import` against 0.32–0.36× in file order, and ~70 MB less memory).
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS stage_key(type TEXT NOT NULL, value TEXT NOT NULL, warninglist TEXT, description TEXT,
      rule INTEGER, first_seen TEXT, last_seen TEXT, confidence INTEGER)`);
    // Distinct (type, value, campaign, source), in key order: only for a file naming more than one campaign or source.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS stage_ref(type TEXT NOT NULL, value TEXT NOT NULL, campaign INTEGER NOT NULL, source INTEGER NOT NULL)');
    // The rows of temp.stage whose key may be staged more than once (repeated-keys.ts): only they are folded by GROUP BY.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS stage_repeat(r INTEGER PRIMARY KEY)');
    db.exec('CREATE TEMP TABLE IF NOT EXISTS stage_campaign(local INTEGER PRIMARY KEY, id INTEGER NOT NULL)');
    db.exec('CREATE TEMP TABLE IF NOT EXISTS stage_source(local INTEGER PRIMARY KEY, id INTEGER NOT NULL)');
    db.exec('CREATE TEMP TABLE IF NOT EXISTS stage_rule(local INTEGER PRIMARY KEY, id INTEGER NOT NULL)');
    // One evidence file's sightings and samples, staged outside the case's write lock.
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS stage_sighting(slot INTEGER NOT NULL, family TEXT NOT NULL, format TEXT NOT NULL, indicator_id INTEGER NOT NULL,
      matched TEXT NOT NULL, field TEXT NOT NULL, ts INTEGER, src TEXT, dst TEXT, line INTEGER, packet INTEGER, inside TEXT,
      sample_sha256 TEXT, detail TEXT, host_id TEXT)`);
    // Indexed by slot: a batch of many small files reads each file's rows back at commit.
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS stage_sample(slot INTEGER NOT NULL, sha256 TEXT NOT NULL, md5 TEXT NOT NULL, sha1 TEXT NOT NULL, size INTEGER NOT NULL,
      type TEXT NOT NULL, facts TEXT, path TEXT NOT NULL)`);
    db.exec('CREATE INDEX IF NOT EXISTS temp.stage_sighting_slot ON stage_sighting(slot)');
    db.exec('CREATE INDEX IF NOT EXISTS temp.stage_sample_slot ON stage_sample(slot)');
    this.st = {
      evidenceByFile: p(`SELECT e.*, (SELECT json_group_array(DISTINCT h.family) FROM evidence_hunt h WHERE h.evidence_id = e.id) AS families
        FROM evidence e WHERE e.path = ? AND e.size = ? AND e.mtime_ms = ? ORDER BY e.id LIMIT 1`),
      evidenceBySha: p('SELECT id, path FROM evidence WHERE sha256 = ?'),
      insertEvidence: p(`INSERT INTO evidence(path, sha256, format, size, mtime_ms, lines, records, skipped, hunted_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
      insertEvidenceHunt: p(`INSERT INTO evidence_hunt(evidence_id, family, format, max_gen, campaign_id, include_warninglisted,
        lines, records, skipped, hunted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      // The newest sighting of one evidence file: what a commit adds to it lies above (scoped to the evidence, so
      // another writer's sightings, whatever ids they take, never fall in the range).
      maxSightingId: p('SELECT coalesce(max(id), 0) AS m FROM sighting WHERE evidence_id = ?'),
      // A staged sighting is stored unless an earlier hunt of the same evidence in the same family covered its indicator.
      storeStaged: p(`INSERT INTO sighting(evidence_id, indicator_id, matched, field, ts, src, dst, line, packet, inside, sample_sha256, detail, format,
          host_id)
        SELECT :e, s.indicator_id, s.matched, s.field, s.ts, s.src, s.dst, s.line, s.packet, s.inside, s.sample_sha256, s.detail, s.format,
          s.host_id
        FROM temp.stage_sighting s WHERE s.slot = :slot AND NOT EXISTS (
          SELECT 1 FROM evidence_hunt h JOIN indicator_ref r ON r.indicator_id = s.indicator_id JOIN indicator i ON i.id = s.indicator_id
          WHERE h.evidence_id = :e AND (h.family = s.family OR h.family = '*') AND r.gen <= h.max_gen
            AND (h.campaign_id IS NULL OR h.campaign_id = r.campaign_id) AND (h.include_warninglisted = 1 OR i.warninglist IS NULL))
        ORDER BY s.rowid`),
      // Evidence new to the case has no earlier hunt to cover anything: every staged sighting is stored.
      storeStagedNew: p(`INSERT INTO sighting(evidence_id, indicator_id, matched, field, ts, src, dst, line, packet, inside, sample_sha256, detail, format,
          host_id)
        SELECT :e, s.indicator_id, s.matched, s.field, s.ts, s.src, s.dst, s.line, s.packet, s.inside, s.sample_sha256, s.detail, s.format,
          s.host_id
        FROM temp.stage_sighting s WHERE s.slot = :slot ORDER BY s.rowid`),
      stagedCount: p('SELECT count(*) AS n FROM temp.stage_sighting WHERE slot = ?'),
      // The roll-ups campaign analytics reads, brought up to date with what one commit stored (migration 0007).
      rollupSrc: p(`INSERT INTO rollup_src(indicator_id, src, kind, first_ts, last_ts, sightings)
        SELECT indicator_id, coalesce(src, ''), ${ROLLUP_KIND_SQL}, min(ts), max(ts), count(*) FROM sighting
        WHERE evidence_id = :e AND id > :after GROUP BY 1, 2, 3
        ON CONFLICT(indicator_id, src, kind) DO UPDATE SET
          first_ts = CASE WHEN excluded.first_ts IS NULL OR (rollup_src.first_ts IS NOT NULL AND rollup_src.first_ts <= excluded.first_ts)
            THEN rollup_src.first_ts ELSE excluded.first_ts END,
          last_ts = CASE WHEN excluded.last_ts IS NULL OR (rollup_src.last_ts IS NOT NULL AND rollup_src.last_ts >= excluded.last_ts)
            THEN rollup_src.last_ts ELSE excluded.last_ts END,
          sightings = rollup_src.sightings + excluded.sightings`),
      rollupDay: p(`INSERT INTO rollup_day(indicator_id, day, sightings)
        SELECT indicator_id, ${DAY_SQL}, count(*) FROM sighting
        WHERE evidence_id = :e AND id > :after AND ts IS NOT NULL AND ts >= 0 AND ${VICTIM_FIELD_SQL} GROUP BY 1, 2
        ON CONFLICT(indicator_id, day) DO UPDATE SET sightings = rollup_day.sightings + excluded.sightings`),
      rollupHost: p(`INSERT INTO rollup_host(indicator_id, host_id, src, sightings)
        SELECT indicator_id, host_id, coalesce(src, ''), count(*) FROM sighting
        WHERE evidence_id = :e AND id > :after AND host_id IS NOT NULL GROUP BY 1, 2, 3
        ON CONFLICT(indicator_id, host_id, src) DO UPDATE SET sightings = rollup_host.sightings + excluded.sightings`),
      stageSighting: p(`INSERT INTO temp.stage_sighting(slot, family, format, indicator_id, matched, field, ts, src, dst, line, packet, inside,
        sample_sha256, detail, host_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      stageSample: p('INSERT INTO temp.stage_sample(slot, sha256, md5, sha1, size, type, facts, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      storeStagedSamples: p(`INSERT INTO sample(sha256, md5, sha1, size, type, facts, first_seen)
        SELECT sha256, md5, sha1, size, type, facts, ? FROM temp.stage_sample WHERE slot = ? ORDER BY rowid ON CONFLICT(sha256) DO NOTHING`),
      storeStagedSamplePaths: p('INSERT OR IGNORE INTO sample_path(sha256, path) SELECT sha256, path FROM temp.stage_sample WHERE slot = ? ORDER BY rowid'),
      clearStagedSightings: p('DELETE FROM temp.stage_sighting'),
      clearStagedSamples: p('DELETE FROM temp.stage_sample'),
      discardSlotSightings: p('DELETE FROM temp.stage_sighting WHERE slot = ?'),
      discardSlotSamples: p('DELETE FROM temp.stage_sample WHERE slot = ?'),
      currentGen: p('SELECT coalesce(max(gen), 0) AS g FROM indicator_ref'),
      // Every hunt of one evidence file in one family (a retro-hunt asks once per file it plans).
      evidenceHunts: p(`SELECT max_gen, campaign_id, include_warninglisted FROM evidence_hunt
        WHERE evidence_id = ? AND (family = ? OR family = '*')`),
      releaseClaim: p('DELETE FROM hunt_claim WHERE path = ? AND size = ? AND mtime_ms = ? AND host = ? AND pid = ?'),
      maxIndicatorId: p('SELECT max(id) AS m FROM indicator'),
      stageIndicator: p(`INSERT INTO temp.stage(rowid, type, value, warninglist, description, rule, campaign, source, first_seen, last_seen, confidence)
        VALUES ${STAGE_ROW}`),
      stageIndicators: p(`INSERT INTO temp.stage(rowid, type, value, warninglist, description, rule, campaign, source, first_seen, last_seen, confidence)
        VALUES ${new Array(STAGE_ROWS_PER_INSERT).fill(STAGE_ROW).join(', ')}`),
      // Every staged row folded per key (FOLDED_COLUMNS), in key order.
      sortStagedKeys: p(`INSERT INTO temp.stage_key(type, value, warninglist, description, rule, first_seen, last_seen, confidence)
        SELECT ${FOLDED_COLUMNS} FROM temp.stage GROUP BY type, value ORDER BY type, value`),
      // No two staged rows share a key: the rows are the folded keys (as a group of one folds to its row), in key order.
      sortStagedRows: p(`INSERT INTO temp.stage_key(type, value, warninglist, description, rule, first_seen, last_seen, confidence)
        SELECT ${STAGED_COLUMNS} FROM temp.stage ORDER BY type, value`),
      // Only the rows in temp.stage_repeat (every row of a key staged twice or more, and a few others) are folded.
      sortStagedSplit: p(`INSERT INTO temp.stage_key(type, value, warninglist, description, rule, first_seen, last_seen, confidence)
        SELECT * FROM (
          SELECT ${STAGED_COLUMNS} FROM temp.stage WHERE rowid NOT IN (SELECT r FROM temp.stage_repeat)
          UNION ALL
          SELECT ${FOLDED_COLUMNS} FROM temp.stage WHERE rowid IN (SELECT r FROM temp.stage_repeat) GROUP BY type, value)
        ORDER BY type, value`),
      stageRepeat: p('INSERT INTO temp.stage_repeat(r) VALUES (?)'),
      clearImportRepeats: p('DELETE FROM temp.stage_repeat'),
      sortStagedRefs: p(`INSERT INTO temp.stage_ref(type, value, campaign, source)
        SELECT DISTINCT type, value, campaign, source FROM temp.stage ORDER BY type, value, campaign, source`),
      stagedKeyCount: p('SELECT count(*) AS n FROM temp.stage_key'),
      clearImportStage: p('DELETE FROM temp.stage'),
      clearImportKeys: p('DELETE FROM temp.stage_key'),
      clearImportRefs: p('DELETE FROM temp.stage_ref'),
      clearImportCampaigns: p('DELETE FROM temp.stage_campaign'),
      clearImportSources: p('DELETE FROM temp.stage_source'),
      clearImportRules: p('DELETE FROM temp.stage_rule'),
      mapCampaign: p('INSERT INTO temp.stage_campaign(local, id) VALUES (?, ?)'),
      mapSource: p('INSERT INTO temp.stage_source(local, id) VALUES (?, ?)'),
      mapRule: p('INSERT INTO temp.stage_rule(local, id) VALUES (?, ?)'),
      // Indicators the case already has take what the file adds (the UPDATE runs before the INSERT, so it sees only those).
      mergeExisting: p(`UPDATE indicator SET
          warninglist = coalesce(k.warninglist, indicator.warninglist),
          description = coalesce(indicator.description, k.description),
          rule_source_id = coalesce((SELECT r.id FROM temp.stage_rule r WHERE r.local = k.rule), indicator.rule_source_id),
          first_seen = CASE WHEN indicator.first_seen IS NULL OR k.first_seen < indicator.first_seen THEN coalesce(k.first_seen, indicator.first_seen) ELSE indicator.first_seen END,
          last_seen = CASE WHEN indicator.last_seen IS NULL OR k.last_seen > indicator.last_seen THEN coalesce(k.last_seen, indicator.last_seen) ELSE indicator.last_seen END,
          confidence = CASE WHEN indicator.confidence IS NULL OR k.confidence > indicator.confidence THEN coalesce(k.confidence, indicator.confidence) ELSE indicator.confidence END
        FROM temp.stage_key k WHERE indicator.type = k.type AND indicator.value = k.value
          AND (k.warninglist IS NOT NULL AND k.warninglist IS NOT indicator.warninglist
            OR k.description IS NOT NULL AND indicator.description IS NULL OR k.rule IS NOT NULL
            OR k.first_seen IS NOT NULL AND (indicator.first_seen IS NULL OR k.first_seen < indicator.first_seen)
            OR k.last_seen IS NOT NULL AND (indicator.last_seen IS NULL OR k.last_seen > indicator.last_seen)
            OR k.confidence IS NOT NULL AND (indicator.confidence IS NULL OR k.confidence > indicator.confidence))`),
      // In key order; changes() counts the new ones.
      // "WHERE true" lets SQLite parse ON CONFLICT after INSERT … SELECT.
      insertNew: p(`INSERT INTO indicator(type, value, warninglist, description, rule_source_id, first_seen, last_seen, confidence)
        SELECT k.type, k.value, k.warninglist, k.description, (SELECT r.id FROM temp.stage_rule r WHERE r.local = k.rule), k.first_seen, k.last_seen, k.confidence
        FROM temp.stage_key k WHERE true ORDER BY k.rowid
        ON CONFLICT(type, value) DO NOTHING`),
      // One import generation per file: its new references are what a retro-hunt looks for; existing ones keep theirs.
      mergeOneRef: p(`INSERT OR IGNORE INTO indicator_ref(indicator_id, campaign_id, source_id, gen)
        SELECT i.id, ?, ?, ? FROM temp.stage_key k JOIN indicator i ON i.type = k.type AND i.value = k.value ORDER BY k.rowid`),
      refNew: p('INSERT INTO indicator_ref(indicator_id, campaign_id, source_id, gen) SELECT id, ?, ?, ? FROM indicator WHERE id > ? ORDER BY id'),
      mergeRefs: p(`INSERT OR IGNORE INTO indicator_ref(indicator_id, campaign_id, source_id, gen)
        SELECT i.id, c.id, s.id, ? FROM temp.stage_ref x JOIN indicator i ON i.type = x.type AND i.value = x.value
          JOIN temp.stage_campaign c ON c.local = x.campaign JOIN temp.stage_source s ON s.local = x.source
        ORDER BY x.rowid`),
      campaignByName: p('SELECT id, name FROM campaign WHERE lower(name) = lower(?) ORDER BY id LIMIT 1'),
      campaignByAlias: p('SELECT c.id, c.name FROM campaign_alias a JOIN campaign c ON c.id = a.campaign_id WHERE lower(a.alias) = lower(?) ORDER BY c.id LIMIT 1'),
      insertCampaign: p('INSERT INTO campaign(name) VALUES (?)'),
      insertAlias: p('INSERT OR IGNORE INTO campaign_alias(campaign_id, alias) VALUES (?, ?)'),
      sourceByName: p('SELECT id FROM source WHERE name = ?'),
      insertSource: p('INSERT INTO source(name) VALUES (?)'),
      ruleBySha: p('SELECT id FROM rule_source WHERE sha256 = ?'),
      insertRule: p('INSERT INTO rule_source(sha256, name, text) VALUES (?, ?, ?)'),
      // Writes that change statistics without a sighting or an evidence hunt bump a counter (migration 0008).
      bumpRevision: p(`INSERT INTO case_revision(name, value) VALUES (?, 1)
        ON CONFLICT(name) DO UPDATE SET value = case_revision.value + 1`),
      // Moves when the case changes: another connection's commit (data_version), this connection's writes (total_changes()).
      changeMark: p('SELECT data_version, total_changes() FROM pragma_data_version').raw(),
      // What sighting pages show of indicators and evidence files (PageLookups), for ids given as a JSON array.
      pageIndicators: p(`SELECT i.id, i.type, i.value, (SELECT json_group_array(DISTINCT c.name) FROM indicator_ref r JOIN campaign c ON c.id = r.campaign_id
        WHERE r.indicator_id = i.id) FROM indicator i WHERE i.id IN (SELECT value FROM json_each(?))`).raw(),
      pageEvidence: p('SELECT id, path, format FROM evidence WHERE id IN (SELECT value FROM json_each(?))').raw(),
      // The largest ids of append-only tables are read from the end of their B-trees: a few page reads, whatever the case's size.
      revision: p(`SELECT (SELECT coalesce(max(id), 0) FROM sighting) AS s, (SELECT coalesce(max(id), 0) FROM evidence_hunt) AS h,
        (SELECT coalesce(group_concat(name || '=' || value, ','), '') FROM case_revision) AS r,
        (SELECT coalesce(max(value), 0) FROM case_revision WHERE name = 'assets') AS a`),
    };
  }

  /** The campaign's id, creating it when absent; `name` may be an alias of an existing campaign. */
  private campaignId(name: string): number {
    const key = name.toLowerCase();
    const cached = this.campaignIds.get(key);
    if (cached !== undefined) return cached;
    const row = (this.st['campaignByName']!.get(name) ?? this.st['campaignByAlias']!.get(name)) as { id: number } | undefined;
    const id = row ? row.id : Number(this.st['insertCampaign']!.run(name).lastInsertRowid);
    this.campaignIds.set(key, id);
    return id;
  }

  private sourceId(name: string): number {
    const cached = this.sourceIds.get(name);
    if (cached !== undefined) return cached;
    const row = this.st['sourceByName']!.get(name) as { id: number } | undefined;
    const id = row ? row.id : Number(this.st['insertSource']!.run(name).lastInsertRowid);
    this.sourceIds.set(name, id);
    return id;
  }

  private ruleSourceId(name: string, text: string): number {
    const sha = createHash('sha256').update(text).digest('hex');
    const cached = this.ruleSourceIds.get(sha);
    if (cached !== undefined) return cached;
    const row = this.st['ruleBySha']!.get(sha) as { id: number } | undefined;
    const id = row ? row.id : Number(this.st['insertRule']!.run(sha, name, text).lastInsertRowid);
    this.ruleSourceIds.set(sha, id);
    return id;
  }

  async addCampaigns(campaigns: readonly CampaignInfo[]): Promise<void> {
    try {
      this.db.transaction(() => {
        this.mergeCampaigns(campaigns);
        this.st['bumpRevision']!.run('campaigns');
      })();
    } catch (e) {
      this.campaignIds.clear();
      throw e;
    }
  }

  /** Creates campaigns and their aliases (inside the caller's transaction). */
  private mergeCampaigns(campaigns: readonly CampaignInfo[]): void {
    for (const c of campaigns) {
      const id = this.campaignId(c.name);
      for (const a of c.aliases) {
        if (a.toLowerCase() !== c.name.toLowerCase()) this.st['insertAlias']!.run(id, a);
      }
    }
  }

  async addIndicators(batch: readonly IndicatorInput[]): Promise<ImportCounts> {
    return addIndicatorsWith(() => this.beginImport(), batch);
  }

  /**
   * Stages rows in the connection's temporary tables (no lock on the case);
   * at commit, folds them by key (still outside the lock), then takes
   * the write lock (BEGIN IMMEDIATE) for the merge alone.
   */
  async beginImport(): Promise<IndicatorWriter> {
    if (this.importing) throw new Error('an indicator writer is already open on this connection');
    this.importing = true;
    const db = this.db;
    const st = this.st;
    const clear = () => {
      for (const k of ['clearImportStage', 'clearImportKeys', 'clearImportRefs', 'clearImportRepeats', 'clearImportCampaigns', 'clearImportSources', 'clearImportRules']) {
        st[k]!.run();
      }
    };
    clear();
    // The writer's own numbers for campaign names (case-insensitive), sources and rule files.
    const local = new ImportNumbering();
    const { campaigns, sources, rules } = local;
    const campaignInfos: CampaignInfo[] = [];
    const stageIndicator = st['stageIndicator']!;
    const stageIndicators = st['stageIndicators']!;
    const args: unknown[] = new Array<unknown>(STAGE_ROWS_PER_INSERT * STAGE_COLUMNS);
    // Rows are numbered here (their rowid) so that those with a repeated key can be named at commit.
    const repeats = new RepeatedKeys();
    let staged = 0;
    const put = (i: IndicatorInput, o: number) => {
      const [rule, c, s] = local.row(i);
      const row = ++staged;
      repeats.add(i.type, i.value, row);
      args[o] = row; args[o + 1] = i.type; args[o + 2] = i.value; args[o + 3] = i.warninglist; args[o + 4] = i.description ?? null; args[o + 5] = rule;
      args[o + 6] = c; args[o + 7] = s; args[o + 8] = i.firstSeen ?? null; args[o + 9] = i.lastSeen ?? null; args[o + 10] = i.confidence ?? null;
    };
    // One transaction per batch on the temporary database only: the case is not locked.
    const stageRows = db.transaction((batch: readonly IndicatorInput[]) => {
      let k = 0;
      for (; k + STAGE_ROWS_PER_INSERT <= batch.length; k += STAGE_ROWS_PER_INSERT) {
        for (let j = 0; j < STAGE_ROWS_PER_INSERT; j++) put(batch[k + j]!, j * STAGE_COLUMNS);
        stageIndicators.run(args);
      }
      for (; k < batch.length; k++) {
        put(batch[k]!, 0);
        stageIndicator.run(args.slice(0, STAGE_COLUMNS));
      }
    });
    // Folds temp.stage into temp.stage_key: by GROUP BY when most rows may repeat a key, else only the rows that may.
    const foldStaged = db.transaction((rows: number, repeated: RepeatedKeys) => {
      const overflowed = repeated.overflowed;
      const repeatedRows = repeated.finish();
      if (overflowed || repeatedRows.length * REPEATED_ROWS_FOLD_ALL > rows) {
        st['sortStagedKeys']!.run();
      } else if (repeatedRows.length === 0) {
        st['sortStagedRows']!.run();
      } else {
        const stageRepeat = st['stageRepeat']!;
        for (const r of repeatedRows) stageRepeat.run(r);
        st['sortStagedSplit']!.run();
      }
    });
    const merge = db.transaction((keys: number): ImportCounts => {
      // Campaigns first, so indicators naming an alias land on its campaign.
      this.mergeCampaigns(campaignInfos);
      for (const c of campaigns.values()) st['mapCampaign']!.run(c.local, this.campaignId(c.name));
      for (const [name, local] of sources) st['mapSource']!.run(local, this.sourceId(name));
      for (const r of rules.values()) st['mapRule']!.run(r.local, this.ruleSourceId(r.name, r.text));
      const before = Number((st['maxIndicatorId']!.get() as { m: number | null }).m ?? 0);
      // A case without indicators has none to update.
      if (before > 0) st['mergeExisting']!.run();
      const added = Number(st['insertNew']!.run().changes);
      const gen = Number((st['currentGen']!.get() as { g: number }).g) + 1;
      const first = local.first;
      if (first !== null) {
        const c = this.campaignId(first.campaign), s = this.sourceId(first.source);
        // Every key new: its indicators are the ids above `before` (the lock is held), no look-up by (type, value) needed.
        if (local.onePair && added === keys) st['refNew']!.run(c, s, gen, before);
        else if (local.onePair) st['mergeOneRef']!.run(c, s, gen);
        else st['mergeRefs']!.run(gen);
      }
      st['bumpRevision']!.run('indicators');
      return { added, merged: keys - added };
    });
    let open = true;
    const finish = () => {
      if (!open) return;
      open = false;
      this.importing = false;
      clear();
    };
    return {
      async add(batch) {
        if (!open) throw new Error('indicator writer already finished');
        stageRows(batch);
      },
      async addCampaigns(list) {
        if (!open) throw new Error('indicator writer already finished');
        for (const c of list) campaignInfos.push({ name: c.name, aliases: [...c.aliases] });
      },
      commit: async () => {
        if (!open) throw new Error('indicator writer already finished');
        try {
          if (local.first === null && campaignInfos.length === 0) return { added: 0, merged: 0 };
          // Sorting is the long part: done on the temporary database, before the lock is taken. The case's
          // cache is small while the writer commits: the sorter sizes itself from it, and the merge writes
          // in key order (a 1M-line list merged as fast with 16 MiB as with 64, new or already known).
          db.pragma(`main.cache_size = -${IMPORT_MAIN_CACHE_KIB}`);
          try {
            foldStaged(staged, repeats);
            if (!local.onePair) st['sortStagedRefs']!.run();
            st['clearImportStage']!.run();
            const keys = Number((st['stagedKeyCount']!.get() as { n: number }).n);
            // Every row the merge writes names rows it has just read or written under the lock: checking
            // the foreign keys of a million references cost a third of their insert. (The setting cannot
            // change inside a transaction.)
            db.pragma('foreign_keys = OFF');
            try {
              return merge.immediate(keys);
            } finally {
              db.pragma('foreign_keys = ON');
            }
          } catch (e) {
            // Ids cached inside the rolled-back transaction name rows that no longer exist.
            this.campaignIds.clear();
            this.sourceIds.clear();
            this.ruleSourceIds.clear();
            throw e;
          } finally {
            db.pragma(`main.cache_size = -${MAIN_CACHE_KIB}`);
          }
        } finally {
          finish();
        }
      },
      async rollback() { finish(); },
    };
  }

  async resolveCampaign(nameOrAlias: string): Promise<string | null> {
    // Every API request naming a campaign asks, some twice: answered from the lookups while the case is unchanged.
    const l = this.pageLookups();
    const known = l.campaigns.get(nameOrAlias);
    if (known !== undefined) return known;
    const row = (this.st['campaignByName']!.get(nameOrAlias) ?? this.st['campaignByAlias']!.get(nameOrAlias)) as
      | { name: string }
      | undefined;
    if (l.campaigns.size >= MAX_LOOKUP_ENTRIES) l.campaigns.clear();
    l.campaigns.set(nameOrAlias, row ? row.name : null);
    return row ? row.name : null;
  }

  /** Streams rows of a prepared statement page by page (keyset on id), so a listing holds no cursor across awaits. */
  private async *paged<R extends { id: number }>(sqlText: string, params: unknown[], key = 'x.id'): AsyncGenerator<R> {
    const stmt = this.cached(`${sqlText} AND ${key} > ? ORDER BY ${key} LIMIT ${LIST_PAGE_ROWS}`);
    let after = 0;
    for (;;) {
      const rows = stmt.all(...params, after) as R[];
      for (const r of rows) yield r;
      if (rows.length < LIST_PAGE_ROWS) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  private async campaignFilter(campaign: string | undefined): Promise<{ where: string; params: unknown[] } | null> {
    if (campaign === undefined) return { where: '', params: [] };
    const name = await this.resolveCampaign(campaign);
    if (name === null) return null;
    const id = this.campaignId(name);
    return { where: ' AND x.id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?)', params: [id] };
  }

  /** The query of an indicators listing (without its keyset and order), or null when it selects nothing. */
  private async indicatorQuery(filter: IndicatorFilter, counts: boolean): Promise<{ q: string; params: unknown[] } | null> {
    const cf = await this.campaignFilter(filter.campaign);
    if (!cf) return null;
    const params = [...cf.params];
    let where = cf.where;
    if (filter.type) { where += ' AND x.type = ?'; params.push(filter.type); }
    if (filter.search !== undefined) { where += ' AND instr(lower(x.value), lower(?)) > 0'; params.push(filter.search); }
    if (filter.sighted !== undefined) {
      where += ` AND ${filter.sighted ? '' : 'NOT '}EXISTS (SELECT 1 FROM rollup_src s WHERE s.indicator_id = x.id AND s.kind = '')`;
    }
    if (filter.afterId !== undefined) { where += ' AND x.id > ?'; params.push(filter.afterId); }
    const q = `SELECT x.id, x.type, x.value, x.warninglist, x.first_seen, x.last_seen, x.confidence,
        (SELECT json_group_array(DISTINCT c.name) FROM indicator_ref r JOIN campaign c ON c.id = r.campaign_id WHERE r.indicator_id = x.id) AS campaigns,
        (SELECT json_group_array(DISTINCT s.name) FROM indicator_ref r JOIN source s ON s.id = r.source_id WHERE r.indicator_id = x.id) AS sources,
        ${counts ? "(SELECT coalesce(sum(s.sightings), 0) FROM rollup_src s WHERE s.indicator_id = x.id AND s.kind = '')" : '0'} AS sightings
      FROM indicator x WHERE 1 = 1${where}`;
    return { q, params };
  }

  async *listIndicators(filter: IndicatorFilter): AsyncIterable<Indicator> {
    const query = await this.indicatorQuery(filter, false);
    if (!query) return;
    for await (const r of this.paged<IndicatorDbRow>(query.q, query.params)) yield toIndicator(r);
  }

  async listCampaigns(): Promise<Campaign[]> {
    const k = await this.kysely();
    const campaigns = await k.selectFrom('campaign').select(['id', 'name']).orderBy('name').execute();
    const aliases = await k.selectFrom('campaign_alias').select(['campaign_id', 'alias']).orderBy('alias').execute();
    const counts = await k
      .selectFrom('indicator_ref as r')
      .innerJoin('indicator as i', 'i.id', 'r.indicator_id')
      .select(['r.campaign_id', 'i.type'])
      .select((eb) => eb.fn.count<number>('i.id').distinct().as('n'))
      .groupBy(['r.campaign_id', 'i.type'])
      .execute();
    return campaigns.map((c) => {
      const byType: Partial<Record<IndicatorType, number>> = {};
      let total = 0;
      for (const r of counts) {
        if (r.campaign_id !== c.id) continue;
        byType[r.type as IndicatorType] = Number(r.n);
        total += Number(r.n);
      }
      return {
        name: c.name,
        aliases: aliases.filter((a) => a.campaign_id === c.id).map((a) => a.alias),
        indicators: total,
        byType,
      };
    });
  }

  /**
   * Indicators with their campaigns, in id order. Campaign ids come from a
   * plain join and are named in JS; indicators with the same campaigns share
   * one array (a hunt holds them all).
   */
  async *huntIndicators(filter: HuntFilter): AsyncIterable<HuntIndicator[]> {
    const cf = await this.campaignFilter(filter.campaign);
    if (!cf) return;
    let where = cf.where;
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    if (filter.gen !== undefined) where += ` AND r.gen <= ${Math.trunc(filter.gen)}`;
    const names = new Map((this.db.prepare('SELECT id, name FROM campaign').all() as { id: number; name: string }[]).map((c) => [c.id, c.name]));
    const shared = new Map<string, string[]>();
    const stmt = this.db.prepare(`SELECT x.id, x.type, x.value, r.campaign_id FROM indicator x
      JOIN indicator_ref r ON r.indicator_id = x.id WHERE x.id > ?${where} AND x.id <= ? ORDER BY x.id`).raw(true);
    const maxId = Number((this.st['maxIndicatorId']!.get() as { m: number | null }).m ?? 0);
    for (let from = 0; from < maxId; from += HUNT_PAGE_IDS) {
      const rows = stmt.all(from, ...cf.params, from + HUNT_PAGE_IDS) as [number, string, string, number][];
      const page = huntPage(rows, names, shared);
      if (page.length > 0) yield page;
    }
  }

  async yaraSources(filter: HuntFilter): Promise<{ name: string; source: string }[]> {
    const cf = await this.campaignFilter(filter.campaign);
    if (!cf) return [];
    let where = cf.where + " AND x.type = 'yara'";
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    if (filter.gen !== undefined) {
      where += ` AND EXISTS (SELECT 1 FROM indicator_ref r WHERE r.indicator_id = x.id AND r.gen <= ${Math.trunc(filter.gen)})`;
    }
    const rows = this.db.prepare(`SELECT DISTINCT rs.id, rs.name, rs.text FROM indicator x
      JOIN rule_source rs ON rs.id = x.rule_source_id WHERE 1 = 1${where} ORDER BY rs.id`).all(...cf.params) as
      { name: string; text: string }[];
    return rows.map((r) => ({ name: r.name, source: r.text }));
  }

  async currentGeneration(): Promise<number> {
    return Number((this.st['currentGen']!.get() as { g: number }).g);
  }

  /**
   * `<case>-index/` beside the case file (as SQLite keeps `<case>-wal`). The
   * key names the case file by device, inode and birth time, so a case
   * deleted and created again is not taken for the old one, and the largest
   * indicator id, which only grows, as a second guard. An import that
   * changes a selection adds a generation (each merge is one); one that only
   * flags existing indicators warninglisted does not, and is not seen by
   * this key either (the same limit as retro-hunt coverage).
   */
  async indexKey(sel: HuntSelection): Promise<IndexKey | null> {
    const loc = this.location;
    if (loc === '' || loc === ':memory:' || loc.startsWith('file:')) return null;
    let st;
    try {
      st = statSync(loc, { bigint: true });
    } catch {
      return null;
    }
    const maxId = Number((this.st['maxIndicatorId']!.get() as { m: number | null }).m ?? 0);
    const key = JSON.stringify({
      case: `${st.dev}:${st.ino}:${st.birthtimeNs}`, campaign: sel.campaign ?? null,
      includeWarninglisted: sel.includeWarninglisted, gen: sel.gen, maxIndicatorId: maxId,
    });
    return { dir: `${loc}-index`, key };
  }

  async hasIndicators(filter: HuntFilter): Promise<boolean> {
    const cf = await this.campaignFilter(filter.campaign);
    if (!cf) return false;
    let where = cf.where;
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    return this.db.prepare(`SELECT 1 FROM indicator x WHERE 1 = 1${where} LIMIT 1`).get(...cf.params) !== undefined;
  }

  async evidenceByFile(path: string, size: number, mtimeMs: number): Promise<StoredEvidence | null> {
    const r = this.st['evidenceByFile']!.get(path, size, Math.trunc(mtimeMs)) as Record<string, unknown> | undefined;
    return r ? toEvidence(r) : null;
  }

  async *listEvidence(): AsyncIterable<StoredEvidence> {
    const q = `SELECT x.*, (SELECT json_group_array(DISTINCT h.family) FROM evidence_hunt h WHERE h.evidence_id = x.id) AS families
      FROM evidence x WHERE 1 = 1`;
    for await (const r of this.paged<Record<string, unknown> & { id: number }>(q, [])) yield toEvidence(r);
  }

  async isCovered(evidenceId: number, family: string, sel: HuntSelection): Promise<boolean> {
    const campaignId = sel.campaign === undefined ? null : await this.resolvedCampaignId(sel.campaign);
    if (sel.campaign !== undefined && campaignId === null) return true;
    const hunts = this.st['evidenceHunts']!.all(evidenceId, family) as
      { max_gen: number; campaign_id: number | null; include_warninglisted: number }[];
    if (hunts.length === 0) return false;
    // Hunts of every campaign that included at least what this one includes cover every reference up to their generation.
    let coveredUpTo = -1;
    for (const h of hunts) {
      if (h.campaign_id === null && (h.include_warninglisted === 1 || !sel.includeWarninglisted)) coveredUpTo = Math.max(coveredUpTo, Number(h.max_gen));
    }
    if (coveredUpTo >= sel.gen) return true;
    // Otherwise: is there a reference the selection holds that no hunt covered? (Rule files are only met by scanning files.)
    const params: unknown[] = [coveredUpTo, sel.gen];
    let where = '';
    if (campaignId !== null) { where += ' AND r.campaign_id = ?'; params.push(campaignId); }
    if (!sel.includeWarninglisted) where += ' AND i.warninglist IS NULL';
    if (family !== 'files') where += " AND i.type <> 'yara'";
    params.push(evidenceId, family);
    const open = this.db.prepare(`SELECT 1 FROM indicator_ref r JOIN indicator i ON i.id = r.indicator_id
      WHERE r.gen > ? AND r.gen <= ?${where} AND NOT EXISTS (
        SELECT 1 FROM evidence_hunt h WHERE h.evidence_id = ? AND (h.family = ? OR h.family = '*') AND r.gen <= h.max_gen
          AND (h.campaign_id IS NULL OR h.campaign_id = r.campaign_id) AND (h.include_warninglisted = 1 OR i.warninglist IS NULL))
      LIMIT 1`).get(...params);
    return open === undefined;
  }

  /** A campaign's row id by name or alias, or null. */
  private async resolvedCampaignId(nameOrAlias: string): Promise<number | null> {
    const name = await this.resolveCampaign(nameOrAlias);
    return name === null ? null : this.campaignId(name);
  }

  async claimFiles(files: readonly { path: string; size: number; mtimeMs: number }[]): Promise<({ host: string; pid: number } | null)[]> {
    const me = HOST;
    const get = this.db.prepare('SELECT host, pid, claimed_at FROM hunt_claim WHERE path = ? AND size = ? AND mtime_ms = ?');
    const put = this.db.prepare(`INSERT INTO hunt_claim(path, size, mtime_ms, host, pid, claimed_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(path, size, mtime_ms) DO UPDATE SET host = excluded.host, pid = excluded.pid, claimed_at = excluded.claimed_at`);
    // One short transaction for the lot: a hunt of ten thousand files does not pay one per file.
    const take = this.db.transaction(() => files.map((file): { host: string; pid: number } | null => {
      const key = [file.path, file.size, Math.trunc(file.mtimeMs)] as const;
      const held = get.get(...key) as { host: string; pid: number; claimed_at: number } | undefined;
      if (held && !(held.host === me && held.pid === process.pid)) {
        const stale = claimIsStale({ host: held.host, pid: Number(held.pid), claimedAt: Number(held.claimed_at) });
        if (!stale) return { host: held.host, pid: Number(held.pid) };
      }
      put.run(...key, me, process.pid, Date.now());
      return null;
    }));
    return take.immediate();
  }

  async releaseFile(file: { path: string; size: number; mtimeMs: number }): Promise<void> {
    this.st['releaseClaim']!.run(file.path, file.size, Math.trunc(file.mtimeMs), HOST, process.pid);
  }

  async beginEvidence(sel: HuntSelection): Promise<EvidenceWriter> {
    // One evidence file at a time per connection: the staging tables are the connection's own.
    if (this.writing) throw new Error('an evidence writer is already open on this connection');
    this.writing = true;
    const db = this.db;
    const st = this.st;
    const campaignId = sel.campaign === undefined ? null : await this.resolvedCampaignId(sel.campaign);
    st['clearStagedSightings']!.run();
    st['clearStagedSamples']!.run();
    let open = true;
    const finish = () => {
      if (!open) return;
      open = false;
      this.writing = false;
      st['clearStagedSightings']!.run();
      st['clearStagedSamples']!.run();
    };
    const stageSighting = st['stageSighting']!;
    const stageSample = st['stageSample']!;
    // The file being staged, and the files ended before it (stored together at commit()).
    let slot = 0;
    const ended: EvidenceCommit[] = [];
    // Staging writes only the connection's temporary database: no lock on the case.
    const stageRows = db.transaction((pass: { family: string; format: string }, rows: readonly SightingInput[]) => {
      for (const s of rows) {
        stageSighting.run(slot, pass.family, pass.format, s.indicatorId, s.matched, s.field, s.ts, s.src, s.dst, s.line ?? null,
          s.packet ?? null, s.inside ?? null, s.sample ?? null, sightingDetail(s), s.hostId ?? null);
      }
    });
    const stageSamples = db.transaction((rows: readonly SampleInput[]) => {
      for (const r of rows) stageSample.run(slot, r.sha256, r.md5, r.sha1, r.size, r.type, r.factsJson, r.path);
    });
    const storeOne = (info: EvidenceCommit, at: number, now: string): CommitOutcome => {
      const first = info.passes[0];
      if (!first) throw new Error('an evidence commit needs at least one pass');
      const known = st['evidenceBySha']!.get(info.sha256) as { id: number; path: string } | undefined;
      const evidenceId = known
        ? known.id
        : Number((st['insertEvidence']!.get(info.path, info.sha256, first.format, info.size, Math.trunc(info.mtimeMs),
          first.lines, first.records, first.skipped, now) as { id: number }).id);
      const afterId = Number((st['maxSightingId']!.get(evidenceId) as { m: number }).m);
      const staged = Number((st['stagedCount']!.get(at) as { n: number }).n);
      const stored = staged === 0 ? 0 : Number(st[known ? 'storeStaged' : 'storeStagedNew']!.run({ e: evidenceId, slot: at }).changes);
      if (stored > 0) {
        st['rollupSrc']!.run({ e: evidenceId, after: afterId });
        st['rollupDay']!.run({ e: evidenceId, after: afterId });
        st['rollupHost']!.run({ e: evidenceId, after: afterId });
      }
      for (const p of info.passes) {
        st['insertEvidenceHunt']!.run(evidenceId, p.family, p.format, sel.gen, campaignId, sel.includeWarninglisted ? 1 : 0,
          p.lines, p.records, p.skipped, now);
      }
      const samples = Number(st['storeStagedSamples']!.run(now, at).changes);
      st['storeStagedSamplePaths']!.run(at);
      st['releaseClaim']!.run(info.path, info.size, Math.trunc(info.mtimeMs), HOST, process.pid);
      return {
        evidenceId, status: known ? 'known' : 'new', path: known ? known.path : info.path, sha256: info.sha256, format: first.format,
        sightings: stored, alreadyKnown: staged - stored, afterId, samples,
      };
    };
    const commitAll = db.transaction((): CommitOutcome[] => {
      const now = new Date().toISOString();
      return ended.map((info, i) => storeOne(info, i, now));
    });
    const check = () => { if (!open) throw new Error('evidence writer already finished'); };
    return {
      get files() { return ended.length; },
      async addSightings(pass, rows) {
        check();
        stageRows(pass, rows);
      },
      async addSamples(rows) {
        check();
        stageSamples(rows);
      },
      end(info) {
        check();
        ended.push(info);
        slot++;
      },
      discard() {
        check();
        st['discardSlotSightings']!.run(slot);
        st['discardSlotSamples']!.run(slot);
      },
      async commit() {
        check();
        try {
          return commitAll.immediate();
        } finally {
          finish();
        }
      },
      async rollback() { finish(); },
    };
  }

  /**
   * The conditions of a sightings listing on the sighting table alone (x),
   * or null when it selects nothing (an unknown campaign or indicator). The
   * conditions steer SQLite to the index that gives a page cheapest (the
   * unary + keeps a condition a check, not an index): a source, an
   * evidence file or one indicator (index ranges in id order); else a time
   * window, by the (ts, indicator_id) index when it holds few rows, in id
   * order when many (the page is then met early); else id order, the
   * campaign checked row by row.
   */
  private async sightingWhere(filter: SightingFilter, timeOrder = false): Promise<{ where: string; params: unknown[] } | null> {
    const params: unknown[] = [];
    let where = '';
    let driven = false;
    if (filter.indicator !== undefined) {
      const ids = this.indicatorIds(filter.indicator);
      if (ids.length === 0) return null;
      where += ids.length === 1 ? ' AND x.indicator_id = ?' : ` AND x.indicator_id IN (${ids.map(() => '?').join(', ')})`;
      params.push(...ids);
      driven = true;
    }
    if (filter.campaign !== undefined) {
      const name = await this.resolveCampaign(filter.campaign);
      if (name === null) return null;
      // Never the index a page is read by: by the indicator index, SQLite would sort every sighting of the campaign for one page.
      where += ' AND +x.indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?)';
      params.push(this.campaignId(name));
    }
    if (filter.src !== undefined) { where += ' AND x.src = ?'; params.push(filter.src); driven = true; }
    if (filter.evidenceId !== undefined) { where += ' AND x.evidence_id = ?'; params.push(filter.evidenceId); driven = true; }
    if (filter.since !== undefined || filter.until !== undefined) {
      const [lo, hi] = [filter.since ?? Number.MIN_SAFE_INTEGER, filter.until ?? Number.MAX_SAFE_INTEGER];
      // In time order the window is the index range a page reads (met early): no probe.
      const wide = !timeOrder && !driven && Number(this.cached(`SELECT count(*) FROM (SELECT 1 FROM sighting WHERE ts >= ? AND ts <= ? LIMIT ${WINDOW_PROBE_ROWS})`)
        .pluck().get(lo, hi)) >= WINDOW_PROBE_ROWS;
      where += wide ? ' AND +x.ts >= ? AND +x.ts <= ?' : ' AND x.ts >= ? AND x.ts <= ?';
      params.push(lo, hi);
    }
    return { where, params };
  }

  /**
   * One page of sightings above `afterId`: the page's ids first (from an
   * index when the conditions allow, sorted when needed: integers only),
   * then only those rows read.
   */
  private sightingPage(cond: { where: string; params: unknown[] }, afterId: number, n: number): PageRow[] {
    return this.withLookups(this.cached(`${SIGHTING_COLUMNS}
      WHERE x.id IN (SELECT x.id FROM sighting x WHERE x.id > ?${cond.where} ORDER BY x.id LIMIT ?) ORDER BY x.id`, true)
      .all(afterId, ...cond.params, n) as RawSighting[]);
  }

  /** The lookups for the case as it is now: the same object until the case changes. */
  private pageLookups(): PageLookups {
    const [dataVersion, changes] = this.st['changeMark']!.get() as [number, number];
    const version = `${dataVersion}.${changes}`;
    const fresh = (): PageLookups => ({ version, indicators: new Map(), evidence: new Map(), campaigns: new Map() });
    // Inside a transaction, what is read may yet be rolled back (which leaves the mark as it is): kept for no one.
    if (this.db.inTransaction) return fresh();
    if (this.lookups?.version !== version) this.lookups = fresh();
    return this.lookups;
  }

  /**
   * Rows with their indicator and evidence file, read from the lookups (the
   * missing ones first, in one query each). A row whose indicator or
   * evidence the case lacks is left out, as the join it replaces did.
   */
  private withLookups(raw: readonly RawSighting[]): PageRow[] {
    if (raw.length === 0) return [];
    const l = this.pageLookups();
    const missingIndicators = new Set<number>();
    const missingEvidence = new Set<number>();
    for (const r of raw) {
      if (!l.indicators.has(r[2])) missingIndicators.add(r[2]);
      if (!l.evidence.has(r[1])) missingEvidence.add(r[1]);
    }
    if (missingIndicators.size > 0) {
      if (l.indicators.size + missingIndicators.size > MAX_LOOKUP_ENTRIES) l.indicators.clear();
      const rows = this.st['pageIndicators']!.all(JSON.stringify([...missingIndicators])) as [number, string, string, string][];
      for (const [id, type, value, campaigns] of rows) l.indicators.set(Number(id), { type, value, campaigns: stringList(campaigns) });
    }
    if (missingEvidence.size > 0) {
      if (l.evidence.size + missingEvidence.size > MAX_LOOKUP_ENTRIES) l.evidence.clear();
      const rows = this.st['pageEvidence']!.all(JSON.stringify([...missingEvidence])) as [number, string, string][];
      for (const [id, path, format] of rows) l.evidence.set(Number(id), { path, format });
    }
    const out: PageRow[] = [];
    for (const r of raw) {
      const i = l.indicators.get(r[2]);
      const e = l.evidence.get(r[1]);
      if (i === undefined || e === undefined) continue;
      out.push({
        id: r[0], evidence_id: r[1], indicator_id: r[2], matched: r[3], field: r[4], ts: r[5], src: r[6], dst: r[7], line: r[8], packet: r[9],
        inside: r[10], detail: r[11], host_id: r[12], type: i.type, value: i.value, path: e.path, format: r[13] ?? e.format, campaigns: i.campaigns,
      });
    }
    return out;
  }

  /** The ids of the indicators a sighting filter names: each type a seek on the (type, value) index; a rule also by its name. */
  private indicatorIds(ind: { type?: IndicatorType; value: string }): number[] {
    const types = ind.type !== undefined ? [ind.type] : [...INDICATOR_TYPES];
    let q = `SELECT id FROM indicator WHERE type IN (${types.map(() => '?').join(', ')}) AND value = ?`;
    const params: unknown[] = [...types, ind.value];
    if (ind.type === undefined || ind.type === 'yara') {
      q += " UNION SELECT id FROM indicator WHERE type = 'yara' AND substr(value, -?) = ?";
      params.push(ind.value.length + 1, `:${ind.value}`);
    }
    return (this.cached(`${q} ORDER BY 1`).pluck().all(...params) as number[]).map(Number);
  }

  /** Each row's campaigns (withLookups gave them): a list per indicator, copied so that callers hold their own. */
  private campaignsOf(rows: readonly PageRow[]): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const r of rows) if (!out.has(r.indicator_id)) out.set(r.indicator_id, r.campaigns.slice());
    return out;
  }

  /** A prepared statement for this SQL, kept for the next call (listings and pages repeat a few shapes). */
  private cached(sqlText: string, raw = false): Statement {
    const key = raw ? `raw:${sqlText}` : sqlText;
    let st = this.statements.get(key);
    if (!st) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      st = this.db.prepare(sqlText);
      if (raw) st.raw();
      this.statements.set(key, st);
    }
    return st;
  }

  async *listSightings(filter: SightingFilter): AsyncIterable<Sighting> {
    const cond = await this.sightingWhere(filter);
    if (!cond) return;
    yield* sightingsInPages(filter, LIST_PAGE_ROWS, (after, n) => this.sightingPage(cond, after, n), (rows) => this.campaignsOf(rows));
  }

  async pageSightings(filter: SightingFilter, limit: number, order: SightingOrder = { by: 'id' }): Promise<SightingRow[]> {
    const n = Math.trunc(Math.min(limit, filter.limit ?? Infinity));
    const cond = n > 0 ? await this.sightingWhere(filter, order.by === 'time') : null;
    if (!cond) return [];
    const rows = order.by === 'time' ? this.sightingTimePage(cond, order.after, n, untimedMayMatch(filter)) : this.sightingPage(cond, filter.afterId ?? 0, n);
    return toSightingRows(rows, this.campaignsOf(rows));
  }

  /**
   * One page in time order after `after`: the timed sightings by the
   * (ts, indicator_id) index (whose entries end with the row id, so the
   * keyset (ts, indicator_id, id) is the index's own order: no sort, however
   * wide the window), then those without a time, by the same index.
   */
  private sightingTimePage(cond: { where: string; params: unknown[] }, after: SightingTimeKey | undefined, n: number, untimed: boolean): PageRow[] {
    const rows: PageRow[] = [];
    if (after === undefined || after.ts !== null) {
      const key = after === undefined ? '' : ' AND x.ts >= ? AND (x.ts, x.indicator_id, x.id) > (?, ?, ?)';
      const keyParams = after === undefined ? [] : [after.ts, after.ts, after.indicatorId, after.id];
      rows.push(...this.withLookups(this.cached(`${SIGHTING_COLUMNS}
        WHERE x.id IN (SELECT x.id FROM sighting x WHERE x.ts IS NOT NULL${key}${cond.where} ORDER BY x.ts, x.indicator_id, x.id LIMIT ?)
        ORDER BY x.ts, x.indicator_id, x.id`, true).all(...keyParams, ...cond.params, n) as RawSighting[]));
    }
    if (untimed && rows.length < n) {
      const key = after === undefined || after.ts !== null ? '' : ' AND (x.indicator_id, x.id) > (?, ?)';
      const keyParams = key === '' ? [] : [after!.indicatorId, after!.id];
      rows.push(...this.withLookups(this.cached(`${SIGHTING_COLUMNS}
        WHERE x.id IN (SELECT x.id FROM sighting x WHERE x.ts IS NULL${key}${cond.where} ORDER BY x.indicator_id, x.id LIMIT ?)
        ORDER BY x.indicator_id, x.id`, true).all(...keyParams, ...cond.params, n - rows.length) as RawSighting[]));
    }
    return rows;
  }


  /** The query of a samples listing (without its keyset and order), or null when it selects nothing. */
  private async sampleQuery(filter: SampleFilter): Promise<{ q: string; params: unknown[] } | null> {
    const params: unknown[] = [];
    let where = '';
    if (filter.campaign !== undefined) {
      const name = await this.resolveCampaign(filter.campaign);
      if (name === null) return null;
      // Per sample, through the sample's own sightings (indexed): not through every sighting of the campaign.
      where = ` AND EXISTS (SELECT 1 FROM sighting s JOIN indicator_ref r ON r.indicator_id = s.indicator_id
        WHERE s.sample_sha256 = x.sha256 AND r.campaign_id = ?)`;
      params.push(this.campaignId(name));
    }
    if (filter.hash !== undefined) {
      // Told apart by length, as matching does: each is one index seek (sha1 has no index, but samples are few).
      const h = filter.hash.toLowerCase();
      const column = h.length === 32 ? 'md5' : h.length === 40 ? 'sha1' : h.length === 64 ? 'sha256' : null;
      if (column === null || !/^[0-9a-f]+$/.test(h)) return null;
      where += ` AND x.${column} = ?`;
      params.push(h);
    }
    if (filter.afterId !== undefined) { where += ' AND x.rowid > ?'; params.push(filter.afterId); }
    const q = `SELECT x.rowid AS id, x.sha256, x.md5, x.sha1, x.size, x.type, x.facts,
        (SELECT json_group_array(DISTINCT p.path) FROM sample_path p WHERE p.sha256 = x.sha256) AS paths,
        (SELECT json_group_array(DISTINCT c.name) FROM sighting s JOIN indicator_ref r ON r.indicator_id = s.indicator_id
          JOIN campaign c ON c.id = r.campaign_id WHERE s.sample_sha256 = x.sha256) AS campaigns,
        (SELECT json_group_array(DISTINCT i.value) FROM sighting s JOIN indicator i ON i.id = s.indicator_id
          WHERE s.sample_sha256 = x.sha256 AND i.type = 'yara') AS yara
      FROM sample x WHERE 1 = 1${where}`;
    return { q, params };
  }

  async *listSamples(filter: SampleFilter): AsyncIterable<SampleRecord> {
    const query = await this.sampleQuery(filter);
    if (!query) return;
    for await (const r of this.paged<SampleDbRow>(query.q, query.params, 'x.rowid')) yield toSample(r);
  }

  async pageSamples(filter: SampleFilter, limit: number): Promise<SampleRow[]> {
    const query = await this.sampleQuery(filter);
    if (!query || !(limit > 0)) return [];
    const rows = this.cached(`${query.q} ORDER BY x.rowid LIMIT ?`).all(...query.params, Math.trunc(limit)) as SampleDbRow[];
    return rows.map((r) => ({ id: Number(r.id), sample: toSample(r) }));
  }

  async pageIndicators(filter: IndicatorFilter, limit: number): Promise<IndicatorRow[]> {
    const query = await this.indicatorQuery(filter, true);
    if (!query || !(limit > 0)) return [];
    const rows = this.cached(`${query.q} ORDER BY x.id LIMIT ?`).all(...query.params, Math.trunc(limit)) as IndicatorDbRow[];
    return rows.map((r) => ({ id: Number(r.id), indicator: toIndicator(r), sightings: Number(r.sightings) }));
  }

  async pageEvidence(filter: EvidenceFilter, limit: number): Promise<EvidenceRow[]> {
    if (!(limit > 0)) return [];
    const params: unknown[] = [];
    let where = '';
    if (filter.id !== undefined) { where += ' AND x.id = ?'; params.push(filter.id); }
    if (filter.sha256 !== undefined) { where += ' AND x.sha256 = ?'; params.push(filter.sha256.toLowerCase()); }
    if (filter.afterId !== undefined) { where += ' AND x.id > ?'; params.push(filter.afterId); }
    const rows = this.cached(`SELECT x.*,
        (SELECT json_group_array(DISTINCT h.family) FROM evidence_hunt h WHERE h.evidence_id = x.id) AS families,
        (SELECT count(*) FROM sighting s WHERE s.evidence_id = x.id) AS sightings
      FROM evidence x WHERE 1 = 1${where} ORDER BY x.id LIMIT ?`).all(...params, Math.trunc(limit)) as Record<string, unknown>[];
    return rows.map((r) => ({ ...toEvidence(r), sightings: Number(r['sightings']) }));
  }

  async revision(): Promise<CaseRevision> {
    const r = this.st['revision']!.get() as { s: number; h: number; r: string; a: number };
    return { data: `${r.s}.${r.h}.${r.r}`, assets: Number(r.a) };
  }

  async campaignActivity(campaign: string): Promise<CampaignActivity | null> {
    const name = await this.resolveCampaign(campaign);
    if (name === null) return null;
    const c = this.campaignId(name);
    const db = this.db;
    const mine = 'SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?';
    const aliases = (db.prepare('SELECT alias FROM campaign_alias WHERE campaign_id = ? ORDER BY alias').pluck().all(c) as string[]);
    const byType: Partial<Record<IndicatorType, number>> = {};
    for (const [type, n] of db.prepare(`SELECT i.type, count(*) FROM indicator i WHERE i.id IN (${mine}) GROUP BY i.type ORDER BY i.type`)
      .raw().all(c) as [IndicatorType, number][]) byType[type] = Number(n);
    const indicators = (db.prepare(`SELECT i.id, i.type, i.value, sum(s.sightings), count(DISTINCT nullif(s.src, ''))
      FROM rollup_src s JOIN indicator i ON i.id = s.indicator_id WHERE s.indicator_id IN (${mine}) AND s.kind = '' GROUP BY i.id ORDER BY i.id`)
      .raw().all(c) as [number, IndicatorType, string, number, number][])
      .map(([id, type, value, n, victims]) => ({ id: Number(id), type, value: shownValue(type, value), sightings: Number(n), victims: Number(victims) }));
    // The victims as two plucked columns of the roll-up's rows (in key order: no sort): a row is an object or an array
    // to better-sqlite3, and at a hundred thousand victims those cost more than the query.
    const where = `FROM rollup_src WHERE indicator_id IN (${mine}) AND kind = '' AND src <> '' ORDER BY indicator_id, src`;
    const src = db.prepare(`SELECT src ${where}`).pluck().all(c) as string[];
    const first = (db.prepare(`SELECT first_ts ${where}`).pluck().all(c) as (number | null)[]);
    const victims = mergeVictims(src, first, indicators.length);
    const excluded = { crawlers: 0, scanners: 0 };
    for (const [kind, n] of db.prepare(`SELECT kind, count(DISTINCT src) FROM rollup_src WHERE indicator_id IN (${mine}) AND kind <> '' GROUP BY kind`)
      .raw().all(c) as [string, number][]) {
      if (kind === 'crawler') excluded.crawlers = Number(n);
      else if (kind === 'scanner') excluded.scanners = Number(n);
    }
    const [firstTs, lastTs, sightings] = db.prepare(`SELECT min(CASE WHEN kind = '' THEN first_ts END), max(CASE WHEN kind = '' THEN last_ts END),
      coalesce(sum(sightings), 0) FROM rollup_src WHERE indicator_id IN (${mine})`).raw().get(c) as [number | null, number | null, number];
    const days = (db.prepare(`SELECT day, sum(sightings) FROM rollup_day WHERE indicator_id IN (${mine}) GROUP BY day ORDER BY day`)
      .raw().all(c) as [number, number][]).map(([day, n]) => ({ day: Number(day), sightings: Number(n) }));
    const hostIds = Number(db.prepare(`SELECT count(DISTINCT host_id) FROM rollup_host WHERE indicator_id IN (${mine})`).pluck().get(c));
    return {
      campaign: name, aliases, victims, excluded, firstTs: firstTs === null ? null : Number(firstTs), lastTs: lastTs === null ? null : Number(lastTs),
      sightings: Number(sightings), days, indicatorsByType: byType, indicators, hostIds,
    };
  }

  async campaignSources(campaign: string): Promise<SourceActivity[]> {
    const name = await this.resolveCampaign(campaign);
    if (name === null) return [];
    return mergeSources(this.db.prepare(`SELECT indicator_id, src, kind, first_ts, last_ts, sightings
      FROM rollup_src WHERE indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?)`).raw()
      .iterate(this.campaignId(name)) as IterableIterator<[number, string, string, number | null, number | null, number]>);
  }

  async campaignHostIds(campaign: string): Promise<{ hostId: string; src: string }[]> {
    const name = await this.resolveCampaign(campaign);
    if (name === null) return [];
    return (this.db.prepare(`SELECT DISTINCT host_id, src FROM rollup_host
      WHERE indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?) ORDER BY host_id, src`)
      .raw().all(this.campaignId(name)) as [string, string][]).map(([hostId, src]) => ({ hostId, src }));
  }

  async campaignOverlap(campaign: string): Promise<CampaignOverlap[]> {
    const name = await this.resolveCampaign(campaign);
    if (name === null) return [];
    const c = this.campaignId(name);
    // This campaign's victims, then every other campaign's, met in a set: one pass over each side's roll-up rows.
    const mine = new Set(this.db.prepare(`SELECT s.src FROM rollup_src s WHERE s.kind = '' AND s.src <> ''
      AND s.indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?)`).pluck().all(c) as string[]);
    const theirs = this.db.prepare(`SELECT k.name, s.src FROM rollup_src s
        JOIN (SELECT DISTINCT indicator_id, campaign_id FROM indicator_ref WHERE campaign_id <> ?) r ON r.indicator_id = s.indicator_id
        JOIN campaign k ON k.id = r.campaign_id
      WHERE s.kind = '' AND s.src <> ''`).raw().iterate(c) as IterableIterator<[string, string]>;
    const shared = this.db.prepare(`SELECT DISTINCT k.name, i.type, i.value FROM indicator_ref a
        JOIN indicator_ref b ON b.indicator_id = a.indicator_id AND b.campaign_id <> a.campaign_id
        JOIN campaign k ON k.id = b.campaign_id JOIN indicator i ON i.id = a.indicator_id
      WHERE a.campaign_id = ? ORDER BY k.name, i.type, i.value`).raw().all(c) as [string, string, string][];
    return overlapOf(mine, theirs, shared);
  }

  async setHostIdParams(campaign: string, params: readonly string[]): Promise<void> {
    const name = await this.resolveCampaign(campaign);
    if (name === null) throw new Error(`no campaign named ${campaign} in the case`);
    const id = this.campaignId(name);
    this.db.transaction(() => {
      this.db.prepare('UPDATE campaign SET host_id_params = ? WHERE id = ?').run(hostIdParamsJson(params), id);
      this.st['bumpRevision']!.run('campaigns');
    }).immediate();
  }

  async hostIdParams(): Promise<string[]> {
    return hostIdParamList(this.db.prepare('SELECT host_id_params FROM campaign WHERE host_id_params IS NOT NULL ORDER BY id').pluck().all());
  }

  async addAssets(rows: readonly AssetRecord[]): Promise<{ added: number; replaced: number }> {
    const exists = this.db.prepare('SELECT 1 FROM asset WHERE address = ?').pluck();
    const upsert = this.db.prepare(`INSERT INTO asset(address, kind, organisation, sector, country) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(address) DO UPDATE SET kind = excluded.kind, organisation = excluded.organisation, sector = excluded.sector,
        country = excluded.country`);
    let added = 0;
    let replaced = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        if (exists.get(r.address) === undefined) added++; else replaced++;
        upsert.run(r.address, r.kind, r.organisation, r.sector, r.country);
      }
      this.st['bumpRevision']!.run('assets');
    }).immediate();
    return { added, replaced };
  }

  async listAssets(): Promise<AssetRecord[]> {
    return (this.db.prepare('SELECT address, kind, organisation, sector, country FROM asset ORDER BY id').all() as AssetRecord[])
      .map((r) => ({ address: r.address, kind: r.kind, organisation: r.organisation, sector: r.sector, country: r.country }));
  }

  async addApiToken(t: { sha256: string; role: ApiRole; name: string | null }): Promise<ApiToken> {
    const createdAt = new Date().toISOString();
    const id = Number(this.db.prepare('INSERT INTO api_token(sha256, role, name, created_at) VALUES (?, ?, ?, ?)')
      .run(t.sha256, t.role, t.name, createdAt).lastInsertRowid);
    return { id, sha256: t.sha256, role: t.role, name: t.name, createdAt };
  }

  async listApiTokens(): Promise<ApiToken[]> {
    // Read for every API request: kept while the case is unchanged (a token revoked by another process changes it).
    const l = this.pageLookups();
    l.tokens ??= this.cached('SELECT id, sha256, role, name, created_at FROM api_token ORDER BY id').all() as
      { id: number; sha256: string; role: string; name: string | null; created_at: string }[];
    return l.tokens.map((r) => ({
      id: Number(r.id), sha256: r.sha256, role: r.role === 'analyst' ? 'analyst' : 'reader', name: r.name, createdAt: r.created_at,
    }));
  }

  async revokeApiToken(id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM api_token WHERE id = ?').run(id).changes > 0;
  }

  async syncState(name: string): Promise<string | null> {
    const row = this.cached('SELECT value FROM sync_state WHERE name = ?').get(name) as { value: string } | undefined;
    return row ? row.value : null;
  }

  async setSyncState(name: string, value: string): Promise<void> {
    this.cached(`INSERT INTO sync_state(name, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(name, value, new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.k) await this.k.destroy();
    else this.db.close();
  }
}
