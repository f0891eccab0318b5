/**
 * A team's case on PostgreSQL (`--db postgres://…`): the same Store as the
 * SQLite file, over a `pg` pool. Migrations go through Kysely's
 * PostgresDialect (loaded only when the schema is behind); every other query
 * is SQL written here, with PostgreSQL's own means for what SQLite gets from
 * its single writer:
 *
 * - Staging: each writer (evidence, intel import) has a session of its own
 *   (a pooled connection held while the store is open) whose temporary
 *   tables take the staged rows, a batch per statement (`unnest` of one array
 *   per column, see staging.ts), outside any transaction. A process killed
 *   before its commit leaves nothing: its session and tables die with it.
 * - Evidence commits: one transaction per batch of files, which first takes a
 *   transaction-level advisory lock per distinct sha256 (in key order), so two
 *   commits of the same content take turns (the second sees the first's
 *   coverage and stores nothing twice) while commits of different evidence run
 *   at once. Roll-ups are upserted once per batch, in key order; a deadlock
 *   PostgreSQL still reports (rows of samples met in another order) is retried.
 * - Intel merges, and anything that creates campaigns, take one advisory lock:
 *   a merge's generation must be above every generation committed before it
 *   (a hunt that saw generation g covers every reference up to g), so merges
 *   are numbered in commit order, under that lock.
 * - Ids come from identity columns. The revision counts evidence commits in
 *   a row bumped last in each commit (ids from sequences are not committed in
 *   order, so the largest id alone would miss a commit).
 * - Names compare case-insensitively by `lower(x COLLATE "C")` (ASCII only,
 *   like SQLite's lower() and nocase), on the indexes migration 0006 makes;
 *   text is ordered COLLATE "C" (bytes, as SQLite orders) wherever order shows.
 */
import pg from 'pg';
import type { Kysely } from 'kysely';
import { INDICATOR_TYPES, type Campaign, type CampaignInfo, type Indicator, type IndicatorType, type Sighting } from '../../core/model.js';
import { shownLocation } from '../location.js';
import { MIGRATION_NAMES } from '../migrations/names.js';
import { DAY_SQL, ROLLUP_KIND_SQL, VICTIM_FIELD_SQL } from '../rollup.js';
import {
  HOST, ImportNumbering, addIndicatorsWith, claimIsStale, huntPage, hostIdParamList, hostIdParamsJson, mergeSources, mergeVictims, overlapOf, shownValue, sightingsInPages, untimedMayMatch, toEvidence, toIndicator, toSample, toSightingRows,
  type IndicatorDbRow, type SampleDbRow, type SightingDbRow,
} from '../rows.js';
import type {
  ApiRole, ApiToken, AssetRecord, CampaignActivity, CampaignOverlap, CaseRevision, CommitOutcome, EvidenceCommit, EvidenceFilter, EvidenceRow,
  EvidenceWriter, HuntFilter, HuntIndicator, HuntSelection, ImportCounts, IndexKey, IndicatorFilter, IndicatorInput, IndicatorRow, IndicatorWriter,
  SampleFilter, SampleRecord, SampleRow, SightingFilter, SightingOrder, SightingRow, SightingTimeKey, SourceActivity, Store, StoredEvidence,
} from '../store.js';
import { SAMPLE_COLUMNS, SIGHTING_COLUMNS, columnArrays, columnList, columnsDdl, stagingInsert } from './staging.js';

/** Rows fetched per step when streaming a listing. */
const LIST_PAGE_ROWS = 2000;
/** Indicator ids covered per step when loading a hunt's indicators. */
const HUNT_PAGE_IDS = 50_000;
/** Rows per staging statement (each column one array parameter). */
const STAGE_BATCH_ROWS = 20_000;
/** Connections: the two writers' sessions and readers. */
const POOL_MAX = 6;
/** Sort memory of a writer's session. */
const SESSION_WORK_MEM = '64MB';
/** Attempts of a transaction PostgreSQL aborted as a deadlock or a serialization failure. */
const MAX_ATTEMPTS = 5;
/**
 * Advisory lock keys (two-int form, so no other application's one-bigint keys
 * collide): the class of Sightline's locks, then what is locked.
 */
const LOCK_CLASS = 0x53474c4e; // 'SGLN'
/** The merge lock: intel merges, campaign creation, asset directory writes. */
const LOCK_CATALOG = 1;
/** Evidence locks are keyed by an int4 of the content's sha256 (a collision only makes two commits take turns). */
const evidenceLockKey = (sha256: string): number => Number.parseInt(sha256.slice(0, 8), 16) | 0;
/** OIDs of int8 and numeric: read as JS numbers (ids, counts and sums stay below 2^53). */
const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** Error codes worth another attempt of the whole transaction. */
const RETRYABLE = new Set(['40P01', '40001']);

type Client = pg.PoolClient;

/** Numbered placeholders for one statement. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Runs `fn` in a transaction on `c`, again when PostgreSQL aborts it as a deadlock or serialization failure. */
async function inTransaction<T>(c: Client, fn: () => Promise<T>, onAbort?: () => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await c.query('BEGIN');
    try {
      const out = await fn();
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      onAbort?.();
      if (attempt < MAX_ATTEMPTS && RETRYABLE.has((e as { code?: string }).code ?? '')) continue;
      throw e;
    }
  }
}

/** Opens a case in a PostgreSQL database (which must exist) and brings its schema up to date. */
export async function openPostgresStore(url: string): Promise<Store> {
  const types = {
    getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID || oid === NUMERIC_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: POOL_MAX, types, application_name: 'sightline' });
  // An idle connection the server closed is dropped from the pool; the next query opens another.
  pool.on('error', () => undefined);
  const store = new PostgresStore(shownLocation(url), pool);
  try {
    if (!(await schemaIsCurrent(pool))) {
      const { Kysely: K, PostgresDialect } = await import('kysely');
      const { migrateToLatest } = await import('../migrations/index.js');
      // Not destroyed after: that would end the pool, which the store keeps.
      await migrateToLatest(new K<unknown>({ dialect: new PostgresDialect({ pool }) }) as Kysely<unknown>, { dialect: 'postgres' });
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  return store;
}

/** Whether every migration has been applied (read without loading Kysely). */
async function schemaIsCurrent(pool: pg.Pool): Promise<boolean> {
  const t = await pool.query<{ t: string | null }>("SELECT to_regclass('kysely_migration')::text AS t");
  if (t.rows[0]?.t == null) return false;
  const done = new Set((await pool.query<{ name: string }>('SELECT name FROM kysely_migration')).rows.map((r) => r.name));
  return MIGRATION_NAMES.every((n) => done.has(n));
}

/** The SQL of a campaign's id by name (folded), and by alias. */
const CAMPAIGN_BY_NAME = 'SELECT id, name FROM campaign WHERE lower(name COLLATE "C") = lower($1 COLLATE "C") ORDER BY id LIMIT 1';
const CAMPAIGN_BY_ALIAS = `SELECT c.id, c.name FROM campaign_alias a JOIN campaign c ON c.id = a.campaign_id
  WHERE lower(a.alias COLLATE "C") = lower($1 COLLATE "C") ORDER BY c.id LIMIT 1`;
/** Families an evidence file was hunted in, as a subquery over `x`. */
const FAMILIES = 'array(SELECT DISTINCT h.family FROM evidence_hunt h WHERE h.evidence_id = x.id) AS families';

/** A sighting row as toSighting reads it (the page's WHERE follows). */
const SIGHTING_SELECT = `SELECT x.id, x.evidence_id, x.indicator_id, x.matched, x.field, x.ts, x.src, x.dst, x.line, x.packet, x.inside,
        x.detail, x.host_id, i.type, i.value, e.path, coalesce(x.format, e.format) AS format
      FROM sighting x JOIN indicator i ON i.id = x.indicator_id JOIN evidence e ON e.id = x.evidence_id`;

class PostgresStore implements Store {
  private readonly campaignIds = new Map<string, number>();
  /** The writers' sessions: their temporary tables are theirs. */
  private evidenceSession: Client | null = null;
  private importSession: Client | null = null;
  private writing = false;
  private importing = false;

  constructor(readonly location: string, private readonly pool: pg.Pool) {}

  private async rows<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool.query({ text, values: values as unknown[] })).rows as R[];
  }

  private async arrays<R extends unknown[]>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool.query({ text, values: values as unknown[], rowMode: 'array' })).rows as R[];
  }

  /** A pooled connection for one short write. */
  private async withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  }

  /** A session held for a writer (temporary tables live as long as it). */
  private async session(kind: 'evidence' | 'import'): Promise<Client> {
    const held = kind === 'evidence' ? this.evidenceSession : this.importSession;
    if (held) return held;
    const c = await this.pool.connect();
    // A connection lost while idle fails the next query on it; nothing to do here.
    c.on('error', () => undefined);
    // A commit sorts a batch's staged rows and roll-up groups: in memory, not in temporary files (the default is 4 MB).
    await c.query(`SET work_mem = '${SESSION_WORK_MEM}'`);
    if (kind === 'evidence') {
      await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage_sighting(slot INT NOT NULL, seq BIGINT NOT NULL, family TEXT NOT NULL, format TEXT NOT NULL,
        ${columnsDdl(SIGHTING_COLUMNS)})`);
      await c.query('CREATE INDEX IF NOT EXISTS stage_sighting_slot ON stage_sighting(slot, seq)');
      await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage_sample(slot INT NOT NULL, seq BIGINT NOT NULL, ${columnsDdl(SAMPLE_COLUMNS)})`);
      this.evidenceSession = c;
    } else {
      // first_seen, last_seen, confidence: what a feed says of a value (migration 0009).
      await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage(seq BIGINT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, warninglist TEXT,
        description TEXT, rule INT, campaign INT NOT NULL, source INT NOT NULL, first_seen TEXT, last_seen TEXT, confidence INT)`);
      await c.query(`CREATE TEMP TABLE IF NOT EXISTS stage_key(seq BIGINT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, warninglist TEXT,
        description TEXT, rule INT, first_seen TEXT, last_seen TEXT, confidence INT)`);
      await c.query('CREATE TEMP TABLE IF NOT EXISTS stage_ref(seq BIGINT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, campaign INT NOT NULL, source INT NOT NULL)');
      for (const t of ['stage_campaign', 'stage_source', 'stage_rule']) {
        await c.query(`CREATE TEMP TABLE IF NOT EXISTS ${t}(local INT PRIMARY KEY, id BIGINT NOT NULL)`);
      }
      this.importSession = c;
    }
    return c;
  }

  /** The campaign's id, creating it when absent (inside the caller's transaction, under the catalog lock). */
  private async campaignId(c: Client, name: string): Promise<number> {
    const key = name.toLowerCase();
    const cached = this.campaignIds.get(key);
    if (cached !== undefined) return cached;
    const row = (await c.query<{ id: number }>(CAMPAIGN_BY_NAME, [name])).rows[0] ?? (await c.query<{ id: number }>(CAMPAIGN_BY_ALIAS, [name])).rows[0];
    const id = row ? row.id : (await c.query<{ id: number }>('INSERT INTO campaign(name) VALUES ($1) RETURNING id', [name])).rows[0]!.id;
    this.campaignIds.set(key, Number(id));
    return Number(id);
  }

  /** An existing campaign's id and name by name or alias (case-insensitive), or null. */
  private async findCampaign(nameOrAlias: string): Promise<{ id: number; name: string } | null> {
    const row = (await this.rows<{ id: number; name: string }>(CAMPAIGN_BY_NAME, [nameOrAlias]))[0]
      ?? (await this.rows<{ id: number; name: string }>(CAMPAIGN_BY_ALIAS, [nameOrAlias]))[0];
    return row ? { id: Number(row.id), name: row.name } : null;
  }

  private async catalogLock(c: Client): Promise<void> {
    await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_CATALOG]);
  }

  private async bumpRevision(c: Client, name: string): Promise<void> {
    await c.query(`INSERT INTO case_revision(name, value) VALUES ($1, 1)
      ON CONFLICT(name) DO UPDATE SET value = case_revision.value + 1`, [name]);
  }

  /** Creates campaigns and their aliases (inside the caller's transaction, under the catalog lock). */
  private async mergeCampaigns(c: Client, campaigns: readonly CampaignInfo[]): Promise<void> {
    for (const info of campaigns) {
      const id = await this.campaignId(c, info.name);
      for (const a of info.aliases) {
        if (a.toLowerCase() !== info.name.toLowerCase()) await c.query('INSERT INTO campaign_alias(campaign_id, alias) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, a]);
      }
    }
  }

  async addCampaigns(campaigns: readonly CampaignInfo[]): Promise<void> {
    await this.withClient((c) => inTransaction(c, async () => {
      await this.catalogLock(c);
      await this.mergeCampaigns(c, campaigns);
      await this.bumpRevision(c, 'campaigns');
    }, () => this.campaignIds.clear()));
  }

  async addIndicators(batch: readonly IndicatorInput[]): Promise<ImportCounts> {
    return addIndicatorsWith(() => this.beginImport(), batch);
  }

  /**
   * Stages rows in the import session's temporary tables (no lock on the
   * case); at commit, folds them by key (still outside any lock), then merges
   * them in one transaction under the catalog lock.
   */
  async beginImport(): Promise<IndicatorWriter> {
    if (this.importing) throw new Error('an indicator writer is already open on this connection');
    this.importing = true;
    let c: Client;
    try {
      c = await this.session('import');
    } catch (e) {
      this.importing = false;
      throw e;
    }
    const clear = () => c.query('TRUNCATE stage, stage_key, stage_ref, stage_campaign, stage_source, stage_rule');
    await clear();
    // The writer's own numbers for campaign names (case-insensitive), sources and rule files.
    const local = new ImportNumbering();
    const { campaigns, sources, rules } = local;
    let seq = 0;
    const campaignInfos: CampaignInfo[] = [];
    const stageRows = async (batch: readonly IndicatorInput[]) => {
      for (let at = 0; at < batch.length; at += STAGE_BATCH_ROWS) {
        const part = batch.slice(at, at + STAGE_BATCH_ROWS);
        const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
        for (const i of part) {
          const row = [i.type, i.value, i.warninglist, i.description ?? null, ...local.row(i), i.firstSeen ?? null, i.lastSeen ?? null, i.confidence ?? null];
          for (const [k, v] of row.entries()) cols[k]!.push(v);
        }
        await c.query(`INSERT INTO stage(seq, type, value, warninglist, description, rule, campaign, source, first_seen, last_seen, confidence)
          SELECT $1::bigint + u.n, u.type, u.value, u.warninglist, u.description, u.rule, u.campaign, u.source, u.first_seen, u.last_seen, u.confidence
          FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[], $11::int[]) WITH ORDINALITY
            AS u(type, value, warninglist, description, rule, campaign, source, first_seen, last_seen, confidence, n)`, [seq, ...cols]);
        seq += part.length;
      }
    };
    const merge = async (keys: number): Promise<ImportCounts> => inTransaction(c, async () => {
      await this.catalogLock(c);
      // Campaigns first, so indicators naming an alias land on its campaign.
      await this.mergeCampaigns(c, campaignInfos);
      const map = async (table: string, pairs: [number, number][]) => {
        if (pairs.length === 0) return;
        await c.query(`INSERT INTO ${table}(local, id) SELECT * FROM unnest($1::int[], $2::bigint[])`, [pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
      };
      await c.query('TRUNCATE stage_campaign, stage_source, stage_rule');
      const campaignPairs: [number, number][] = [];
      for (const x of campaigns.values()) campaignPairs.push([x.local, await this.campaignId(c, x.name)]);
      await map('stage_campaign', campaignPairs);
      const sourceIds = new Map<string, number>();
      for (const name of sources.keys()) {
        const got = (await c.query<{ id: number }>('INSERT INTO source(name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id', [name])).rows[0]
          ?? (await c.query<{ id: number }>('SELECT id FROM source WHERE name = $1', [name])).rows[0]!;
        sourceIds.set(name, Number(got.id));
      }
      await map('stage_source', [...sources].map(([name, local]) => [local, sourceIds.get(name)!]));
      const rulePairs: [number, number][] = [];
      for (const [sha, r] of rules) {
        const got = (await c.query<{ id: number }>('INSERT INTO rule_source(sha256, name, text) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING RETURNING id',
          [sha, r.name, r.text])).rows[0] ?? (await c.query<{ id: number }>('SELECT id FROM rule_source WHERE sha256 = $1', [sha])).rows[0]!;
        rulePairs.push([r.local, Number(got.id)]);
      }
      await map('stage_rule', rulePairs);
      // Indicators the case already has take what the file adds (the UPDATE runs before the INSERT, so it sees only those).
      await c.query(`UPDATE indicator SET
          warninglist = coalesce(k.warninglist, indicator.warninglist),
          description = coalesce(indicator.description, k.description),
          rule_source_id = coalesce((SELECT r.id FROM stage_rule r WHERE r.local = k.rule), indicator.rule_source_id),
          first_seen = CASE WHEN indicator.first_seen IS NULL OR k.first_seen < indicator.first_seen THEN coalesce(k.first_seen, indicator.first_seen) ELSE indicator.first_seen END,
          last_seen = CASE WHEN indicator.last_seen IS NULL OR k.last_seen > indicator.last_seen THEN coalesce(k.last_seen, indicator.last_seen) ELSE indicator.last_seen END,
          confidence = CASE WHEN indicator.confidence IS NULL OR k.confidence > indicator.confidence THEN coalesce(k.confidence, indicator.confidence) ELSE indicator.confidence END
        FROM stage_key k WHERE indicator.type = k.type AND indicator.value = k.value
          AND (k.warninglist IS NOT NULL AND k.warninglist IS DISTINCT FROM indicator.warninglist
            OR k.description IS NOT NULL AND indicator.description IS NULL OR k.rule IS NOT NULL
            OR k.first_seen IS NOT NULL AND (indicator.first_seen IS NULL OR k.first_seen < indicator.first_seen)
            OR k.last_seen IS NOT NULL AND (indicator.last_seen IS NULL OR k.last_seen > indicator.last_seen)
            OR k.confidence IS NOT NULL AND (indicator.confidence IS NULL OR k.confidence > indicator.confidence))`);
      // New indicators take ids in (type, value) order: the folded keys' order.
      const added = (await c.query(`INSERT INTO indicator(type, value, warninglist, description, rule_source_id, first_seen, last_seen, confidence)
        SELECT k.type, k.value, k.warninglist, k.description, (SELECT r.id FROM stage_rule r WHERE r.local = k.rule), k.first_seen, k.last_seen, k.confidence
        FROM stage_key k ORDER BY k.seq
        ON CONFLICT (type, value) DO NOTHING`)).rowCount ?? 0;
      // One generation per merge, numbered under the catalog lock: above every generation committed before.
      const gen = Number((await c.query<{ g: number }>('SELECT coalesce(max(gen), 0) + 1 AS g FROM indicator_ref')).rows[0]!.g);
      const first = local.first;
      if (first !== null) {
        if (local.onePair) {
          await c.query(`INSERT INTO indicator_ref(indicator_id, campaign_id, source_id, gen)
            SELECT i.id, $1, $2, $3 FROM stage_key k JOIN indicator i ON i.type = k.type AND i.value = k.value ORDER BY k.seq
            ON CONFLICT DO NOTHING`, [await this.campaignId(c, first.campaign), sourceIds.get(first.source), gen]);
        } else {
          await c.query(`INSERT INTO indicator_ref(indicator_id, campaign_id, source_id, gen)
            SELECT i.id, cm.id, s.id, $1 FROM stage_ref x JOIN indicator i ON i.type = x.type AND i.value = x.value
              JOIN stage_campaign cm ON cm.local = x.campaign JOIN stage_source s ON s.local = x.source
            ORDER BY x.seq ON CONFLICT DO NOTHING`, [gen]);
        }
      }
      await this.bumpRevision(c, 'indicators');
      return { added, merged: keys - added };
    }, () => this.campaignIds.clear());
    let open = true;
    const finish = async () => {
      if (!open) return;
      open = false;
      try {
        await clear();
      } finally {
        this.importing = false;
      }
    };
    return {
      async add(batch) {
        if (!open) throw new Error('indicator writer already finished');
        await stageRows(batch);
      },
      async addCampaigns(list) {
        if (!open) throw new Error('indicator writer already finished');
        for (const x of list) campaignInfos.push({ name: x.name, aliases: [...x.aliases] });
      },
      commit: async () => {
        if (!open) throw new Error('indicator writer already finished');
        try {
          if (local.first === null && campaignInfos.length === 0) return { added: 0, merged: 0 };
          // Folding is the long part: done in the session's temporary tables, before the lock is taken. Per key, the
          // warninglist and rule file named last win (a file names one of each), the first description does.
          // The earliest first-seen, the latest last-seen, the highest confidence (ISO 8601 text orders as time; nulls skipped).
          await c.query(`INSERT INTO stage_key(seq, type, value, warninglist, description, rule, first_seen, last_seen, confidence)
            SELECT row_number() OVER (ORDER BY type COLLATE "C", value COLLATE "C"), type, value, max(warninglist COLLATE "C"),
              (array_agg(description ORDER BY seq) FILTER (WHERE description IS NOT NULL))[1], max(rule),
              min(first_seen COLLATE "C"), max(last_seen COLLATE "C"), max(confidence)
            FROM stage GROUP BY type, value`);
          if (!local.onePair) {
            await c.query(`INSERT INTO stage_ref(seq, type, value, campaign, source)
              SELECT row_number() OVER (ORDER BY type COLLATE "C", value COLLATE "C", campaign, source), type, value, campaign, source
              FROM (SELECT DISTINCT type, value, campaign, source FROM stage) d`);
          }
          await c.query('TRUNCATE stage');
          // Temporary tables get no statistics of their own: the merge's joins are planned on these.
          await c.query('ANALYZE stage_key');
          if (!local.onePair) await c.query('ANALYZE stage_ref');
          const keys = Number((await c.query<{ n: number }>('SELECT count(*) AS n FROM stage_key')).rows[0]!.n);
          return await merge(keys);
        } finally {
          await finish();
        }
      },
      async rollback() { await finish(); },
    };
  }

  async resolveCampaign(nameOrAlias: string): Promise<string | null> {
    return (await this.findCampaign(nameOrAlias))?.name ?? null;
  }

  /** Streams rows page by page (keyset on `key`), so a listing holds no cursor across awaits. */
  private async *paged<R extends { id: number }>(sqlText: string, params: readonly unknown[], key = 'x.id'): AsyncGenerator<R> {
    const n = params.length + 1;
    let after = 0;
    for (;;) {
      const rows = await this.rows<R>(`${sqlText} AND ${key} > $${n} ORDER BY ${key} LIMIT ${LIST_PAGE_ROWS}`, [...params, after]);
      for (const r of rows) yield r;
      if (rows.length < LIST_PAGE_ROWS) return;
      after = Number(rows[rows.length - 1]!.id);
    }
  }

  /** The condition selecting a campaign's indicators (x.id), or null when there is no such campaign. */
  private async campaignFilter(campaign: string | undefined, p: Params): Promise<string | null> {
    if (campaign === undefined) return '';
    const found = await this.findCampaign(campaign);
    if (!found) return null;
    return ` AND x.id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ${p.add(found.id)})`;
  }

  private async indicatorQuery(filter: IndicatorFilter, counts: boolean): Promise<{ q: string; p: Params } | null> {
    const p = new Params();
    let where = await this.campaignFilter(filter.campaign, p);
    if (where === null) return null;
    if (filter.type) where += ` AND x.type = ${p.add(filter.type)}`;
    if (filter.search !== undefined) where += ` AND strpos(lower(x.value COLLATE "C"), lower(${p.add(filter.search)} COLLATE "C")) > 0`;
    if (filter.sighted !== undefined) {
      where += ` AND ${filter.sighted ? '' : 'NOT '}EXISTS (SELECT 1 FROM rollup_src s WHERE s.indicator_id = x.id AND s.kind = '')`;
    }
    if (filter.afterId !== undefined) where += ` AND x.id > ${p.add(filter.afterId)}`;
    const q = `SELECT x.id, x.type, x.value, x.warninglist, x.first_seen, x.last_seen, x.confidence,
        array(SELECT DISTINCT c.name FROM indicator_ref r JOIN campaign c ON c.id = r.campaign_id WHERE r.indicator_id = x.id) AS campaigns,
        array(SELECT DISTINCT s.name FROM indicator_ref r JOIN source s ON s.id = r.source_id WHERE r.indicator_id = x.id) AS sources,
        ${counts ? "(SELECT coalesce(sum(s.sightings), 0) FROM rollup_src s WHERE s.indicator_id = x.id AND s.kind = '')" : '0'} AS sightings
      FROM indicator x WHERE true${where}`;
    return { q, p };
  }

  async *listIndicators(filter: IndicatorFilter): AsyncIterable<Indicator> {
    const query = await this.indicatorQuery(filter, false);
    if (!query) return;
    for await (const r of this.paged<IndicatorDbRow>(query.q, query.p.values)) yield toIndicator(r);
  }

  async listCampaigns(): Promise<Campaign[]> {
    // Names and aliases in case-insensitive order, as SQLite's nocase columns order them.
    const campaigns = await this.rows<{ id: number; name: string }>('SELECT id, name FROM campaign ORDER BY lower(name COLLATE "C"), name COLLATE "C"');
    const aliases = await this.rows<{ campaign_id: number; alias: string }>(
      'SELECT campaign_id, alias FROM campaign_alias ORDER BY lower(alias COLLATE "C"), alias COLLATE "C"');
    const counts = await this.rows<{ campaign_id: number; type: string; n: number }>(`SELECT r.campaign_id, i.type, count(DISTINCT i.id) AS n
      FROM indicator_ref r JOIN indicator i ON i.id = r.indicator_id GROUP BY r.campaign_id, i.type`);
    return campaigns.map((c) => {
      const byType: Partial<Record<IndicatorType, number>> = {};
      let total = 0;
      for (const r of counts) {
        if (Number(r.campaign_id) !== Number(c.id)) continue;
        byType[r.type as IndicatorType] = Number(r.n);
        total += Number(r.n);
      }
      return { name: c.name, aliases: aliases.filter((a) => Number(a.campaign_id) === Number(c.id)).map((a) => a.alias), indicators: total, byType };
    });
  }

  async *huntIndicators(filter: HuntFilter): AsyncIterable<HuntIndicator[]> {
    const p = new Params();
    const from = p.add(0);
    let where = await this.campaignFilter(filter.campaign, p);
    if (where === null) return;
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    if (filter.gen !== undefined) where += ` AND r.gen <= ${p.add(Math.trunc(filter.gen))}`;
    const to = p.add(0);
    const names = new Map((await this.rows<{ id: number; name: string }>('SELECT id, name FROM campaign')).map((c) => [Number(c.id), c.name]));
    const shared = new Map<string, string[]>();
    const text = `SELECT x.id, x.type, x.value, r.campaign_id FROM indicator x
      JOIN indicator_ref r ON r.indicator_id = x.id WHERE x.id > ${from}${where} AND x.id <= ${to} ORDER BY x.id`;
    const maxId = Number((await this.rows<{ m: number | null }>('SELECT max(id) AS m FROM indicator'))[0]?.m ?? 0);
    for (let lo = 0; lo < maxId; lo += HUNT_PAGE_IDS) {
      const values = [...p.values];
      values[0] = lo;
      values[values.length - 1] = lo + HUNT_PAGE_IDS;
      const rows = await this.arrays<[number, string, string, number]>(text, values);
      const page = huntPage(rows, names, shared);
      if (page.length > 0) yield page;
    }
  }

  async yaraSources(filter: HuntFilter): Promise<{ name: string; source: string }[]> {
    const p = new Params();
    let where = await this.campaignFilter(filter.campaign, p);
    if (where === null) return [];
    where += " AND x.type = 'yara'";
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    if (filter.gen !== undefined) {
      where += ` AND EXISTS (SELECT 1 FROM indicator_ref r WHERE r.indicator_id = x.id AND r.gen <= ${p.add(Math.trunc(filter.gen))})`;
    }
    const rows = await this.rows<{ name: string; text: string }>(`SELECT DISTINCT rs.id, rs.name, rs.text FROM indicator x
      JOIN rule_source rs ON rs.id = x.rule_source_id WHERE true${where} ORDER BY rs.id`, p.values);
    return rows.map((r) => ({ name: r.name, source: r.text }));
  }

  async currentGeneration(): Promise<number> {
    return Number((await this.rows<{ g: number }>('SELECT coalesce(max(gen), 0) AS g FROM indicator_ref'))[0]!.g);
  }

  /** A PostgreSQL case has no folder of its own: a hunt builds its index from the case each time. */
  async indexKey(_sel: HuntSelection): Promise<IndexKey | null> {
    return null;
  }

  async hasIndicators(filter: HuntFilter): Promise<boolean> {
    const p = new Params();
    let where = await this.campaignFilter(filter.campaign, p);
    if (where === null) return false;
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    return (await this.rows(`SELECT 1 FROM indicator x WHERE true${where} LIMIT 1`, p.values)).length > 0;
  }

  async evidenceByFile(path: string, size: number, mtimeMs: number): Promise<StoredEvidence | null> {
    const r = (await this.rows<Record<string, unknown>>(`SELECT x.*, ${FAMILIES}
      FROM evidence x WHERE x.path = $1 AND x.size = $2 AND x.mtime_ms = $3 ORDER BY x.id LIMIT 1`, [path, size, Math.trunc(mtimeMs)]))[0];
    return r ? toEvidence(r) : null;
  }

  async *listEvidence(): AsyncIterable<StoredEvidence> {
    for await (const r of this.paged<Record<string, unknown> & { id: number }>(`SELECT x.*, ${FAMILIES} FROM evidence x WHERE true`, [])) {
      yield toEvidence(r);
    }
  }

  async isCovered(evidenceId: number, family: string, sel: HuntSelection): Promise<boolean> {
    const campaign = sel.campaign === undefined ? null : await this.findCampaign(sel.campaign);
    if (sel.campaign !== undefined && campaign === null) return true;
    const hunts = await this.rows<{ max_gen: number; campaign_id: number | null; include_warninglisted: number }>(
      `SELECT max_gen, campaign_id, include_warninglisted FROM evidence_hunt WHERE evidence_id = $1 AND (family = $2 OR family = '*')`, [evidenceId, family]);
    if (hunts.length === 0) return false;
    // Hunts of every campaign that included at least what this one includes cover every reference up to their generation.
    let coveredUpTo = -1;
    for (const h of hunts) {
      if (h.campaign_id === null && (Number(h.include_warninglisted) === 1 || !sel.includeWarninglisted)) coveredUpTo = Math.max(coveredUpTo, Number(h.max_gen));
    }
    if (coveredUpTo >= sel.gen) return true;
    // Otherwise: is there a reference the selection holds that no hunt covered? (Rule files are only met by scanning files.)
    const p = new Params();
    let where = ` AND r.gen > ${p.add(coveredUpTo)} AND r.gen <= ${p.add(sel.gen)}`;
    if (campaign !== null) where += ` AND r.campaign_id = ${p.add(campaign.id)}`;
    if (!sel.includeWarninglisted) where += ' AND i.warninglist IS NULL';
    if (family !== 'files') where += " AND i.type <> 'yara'";
    const open = await this.rows(`SELECT 1 FROM indicator_ref r JOIN indicator i ON i.id = r.indicator_id
      WHERE true${where} AND NOT EXISTS (
        SELECT 1 FROM evidence_hunt h WHERE h.evidence_id = ${p.add(evidenceId)} AND (h.family = ${p.add(family)} OR h.family = '*') AND r.gen <= h.max_gen
          AND (h.campaign_id IS NULL OR h.campaign_id = r.campaign_id) AND (h.include_warninglisted = 1 OR i.warninglist IS NULL))
      LIMIT 1`, p.values);
    return open.length === 0;
  }

  /**
   * One short transaction for the lot: new claims are inserted (in key order,
   * so two hunts claiming overlapping lists cannot deadlock), the rest read
   * FOR UPDATE and taken over when stale or this process's own.
   */
  async claimFiles(files: readonly { path: string; size: number; mtimeMs: number }[]): Promise<({ host: string; pid: number } | null)[]> {
    if (files.length === 0) return [];
    const keyOf = (f: { path: string; size: number; mtimeMs: number }) => `${f.size}\u0000${Math.trunc(f.mtimeMs)}\u0000${f.path}`;
    const distinct = [...new Map(files.map((f) => [keyOf(f), f])).values()]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.size - b.size || a.mtimeMs - b.mtimeMs));
    const cols = [distinct.map((f) => f.path), distinct.map((f) => f.size), distinct.map((f) => Math.trunc(f.mtimeMs))];
    const holders = await this.withClient((c) => inTransaction(c, async () => {
      const out = new Map<string, { host: string; pid: number } | null>();
      const now = Date.now();
      const inserted = await c.query<{ path: string; size: number; mtime_ms: number }>(`INSERT INTO hunt_claim(path, size, mtime_ms, host, pid, claimed_at)
        SELECT u.path, u.size, u.mtime_ms, $4, $5, $6 FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS u(path, size, mtime_ms, n)
        ORDER BY u.n ON CONFLICT DO NOTHING RETURNING path, size, mtime_ms`, [...cols, HOST, process.pid, now]);
      for (const r of inserted.rows) out.set(keyOf({ path: r.path, size: Number(r.size), mtimeMs: Number(r.mtime_ms) }), null);
      const rest = distinct.filter((f) => !out.has(keyOf(f)));
      if (rest.length === 0) return out;
      const held = await c.query<{ path: string; size: number; mtime_ms: number; host: string; pid: number; claimed_at: number }>(
        `SELECT h.path, h.size, h.mtime_ms, h.host, h.pid, h.claimed_at FROM hunt_claim h
          JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(path, size, mtime_ms) ON h.path = u.path AND h.size = u.size AND h.mtime_ms = u.mtime_ms
        ORDER BY h.path COLLATE "C", h.size, h.mtime_ms FOR UPDATE OF h`,
        [rest.map((f) => f.path), rest.map((f) => f.size), rest.map((f) => Math.trunc(f.mtimeMs))]);
      const take: { path: string; size: number; mtime_ms: number }[] = [];
      for (const h of held.rows) {
        const k = keyOf({ path: h.path, size: Number(h.size), mtimeMs: Number(h.mtime_ms) });
        const mine = h.host === HOST && Number(h.pid) === process.pid;
        if (mine || claimIsStale({ host: h.host, pid: Number(h.pid), claimedAt: Number(h.claimed_at) })) {
          take.push(h);
          out.set(k, null);
        } else {
          out.set(k, { host: h.host, pid: Number(h.pid) });
        }
      }
      if (take.length > 0) {
        await c.query(`UPDATE hunt_claim h SET host = $4, pid = $5, claimed_at = $6
          FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(path, size, mtime_ms)
          WHERE h.path = u.path AND h.size = u.size AND h.mtime_ms = u.mtime_ms`,
        [take.map((t) => t.path), take.map((t) => t.size), take.map((t) => t.mtime_ms), HOST, process.pid, now]);
      }
      // A claim given back between the insert and the read: claim it now.
      for (const f of rest) {
        if (out.has(keyOf(f))) continue;
        await c.query(`INSERT INTO hunt_claim(path, size, mtime_ms, host, pid, claimed_at) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (path, size, mtime_ms) DO UPDATE SET host = excluded.host, pid = excluded.pid, claimed_at = excluded.claimed_at`,
        [f.path, f.size, Math.trunc(f.mtimeMs), HOST, process.pid, now]);
        out.set(keyOf(f), null);
      }
      return out;
    }));
    return files.map((f) => holders.get(keyOf(f)) ?? null);
  }

  async releaseFile(file: { path: string; size: number; mtimeMs: number }): Promise<void> {
    await this.pool.query('DELETE FROM hunt_claim WHERE path = $1 AND size = $2 AND mtime_ms = $3 AND host = $4 AND pid = $5',
      [file.path, file.size, Math.trunc(file.mtimeMs), HOST, process.pid]);
  }

  async beginEvidence(sel: HuntSelection): Promise<EvidenceWriter> {
    // One evidence writer at a time per store: the staging tables are its session's own.
    if (this.writing) throw new Error('an evidence writer is already open on this connection');
    this.writing = true;
    let c: Client;
    let campaignId: number | null;
    try {
      c = await this.session('evidence');
      campaignId = sel.campaign === undefined ? null : (await this.findCampaign(sel.campaign))?.id ?? null;
      await c.query('TRUNCATE stage_sighting, stage_sample');
    } catch (e) {
      this.writing = false;
      throw e;
    }
    let open = true;
    // A discarded file's delete, still running.
    let discarding: Promise<unknown> | null = null;
    const discarded = async () => {
      const d = discarding;
      discarding = null;
      await d;
    };
    const finish = async () => {
      if (!open) return;
      open = false;
      try {
        await discarded().catch(() => undefined);
        await c.query('TRUNCATE stage_sighting, stage_sample');
      } finally {
        this.writing = false;
      }
    };
    // The file being staged, the files ended before it (stored together at commit()), and what each slot holds.
    let slot = 0;
    let seq = 0;
    const ended: EvidenceCommit[] = [];
    const sightingsIn: number[] = [0];
    const samplesIn: number[] = [0];
    const stageSightingSql = stagingInsert('stage_sighting', SIGHTING_COLUMNS, ['family', 'format']);
    const stageSampleSql = stagingInsert('stage_sample', SAMPLE_COLUMNS);
    const sightingCols = columnList(SIGHTING_COLUMNS);
    const stagedCols = columnList(SIGHTING_COLUMNS, 's.');
    // A staged sighting is stored unless an earlier hunt of the same evidence in the same family covered its indicator.
    const storeStaged = `INSERT INTO sighting(evidence_id, format, ${sightingCols})
      SELECT $1, s.format, ${stagedCols} FROM stage_sighting s WHERE s.slot = $2 AND NOT EXISTS (
        SELECT 1 FROM evidence_hunt h JOIN indicator_ref r ON r.indicator_id = s.indicator_id JOIN indicator i ON i.id = s.indicator_id
        WHERE h.evidence_id = $1 AND (h.family = s.family OR h.family = '*') AND r.gen <= h.max_gen
          AND (h.campaign_id IS NULL OR h.campaign_id = r.campaign_id) AND (h.include_warninglisted = 1 OR i.warninglist IS NULL))
      ORDER BY s.seq`;
    // Evidence new to the case has no earlier hunt to cover anything: every staged sighting is stored.
    const storeStagedNew = `INSERT INTO sighting(evidence_id, format, ${sightingCols})
      SELECT $1, s.format, ${stagedCols} FROM stage_sighting s WHERE s.slot = $2 ORDER BY s.seq`;
    const stage = async <T>(sqlText: string, cols: Parameters<typeof columnArrays<T>>[0], rows: readonly T[], extra: unknown[]) => {
      for (let at = 0; at < rows.length; at += STAGE_BATCH_ROWS) {
        const part = rows.slice(at, at + STAGE_BATCH_ROWS);
        await c.query(sqlText, [slot, seq, ...extra, ...columnArrays(cols, part)]);
        seq += part.length;
      }
    };
    const storeOne = async (info: EvidenceCommit, at: number, now: string, touched: Map<number, number>): Promise<CommitOutcome> => {
      const first = info.passes[0];
      if (!first) throw new Error('an evidence commit needs at least one pass');
      const known = (await c.query<{ id: number; path: string }>('SELECT id, path FROM evidence WHERE sha256 = $1', [info.sha256])).rows[0];
      const evidenceId = known ? Number(known.id) : Number((await c.query<{ id: number }>(`INSERT INTO evidence(path, sha256, format, size, mtime_ms,
          lines, records, skipped, hunted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [info.path, info.sha256, first.format, info.size, Math.trunc(info.mtimeMs), first.lines, first.records, first.skipped, now])).rows[0]!.id);
      // The newest sighting of this evidence: what this commit adds lies above (under the evidence's lock, no other commit adds to it).
      const afterId = known
        ? Number((await c.query<{ m: number }>('SELECT coalesce(max(id), 0) AS m FROM sighting WHERE evidence_id = $1', [evidenceId])).rows[0]!.m)
        : 0;
      const staged = sightingsIn[at] ?? 0;
      const stored = staged === 0 ? 0 : (await c.query(known ? storeStaged : storeStagedNew, [evidenceId, at])).rowCount ?? 0;
      if (stored > 0 && !touched.has(evidenceId)) touched.set(evidenceId, afterId);
      await c.query(`INSERT INTO evidence_hunt(evidence_id, family, format, max_gen, campaign_id, include_warninglisted, lines, records, skipped, hunted_at)
        SELECT $1, u.family, u.format, $2, $3, $4, u.lines, u.records, u.skipped, $5
        FROM unnest($6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[]) WITH ORDINALITY AS u(family, format, lines, records, skipped, n)
        ORDER BY u.n`,
      [evidenceId, sel.gen, campaignId, sel.includeWarninglisted ? 1 : 0, now, info.passes.map((p) => p.family), info.passes.map((p) => p.format),
        info.passes.map((p) => p.lines), info.passes.map((p) => p.records), info.passes.map((p) => p.skipped)]);
      let samples = 0;
      if ((samplesIn[at] ?? 0) > 0) {
        samples = (await c.query(`INSERT INTO sample(sha256, md5, sha1, size, type, facts, first_seen)
          SELECT sha256, md5, sha1, size, type, facts, $1 FROM stage_sample WHERE slot = $2 ORDER BY seq ON CONFLICT (sha256) DO NOTHING`, [now, at])).rowCount ?? 0;
        await c.query(`INSERT INTO sample_path(sha256, path) SELECT sha256, path FROM stage_sample WHERE slot = $1
          ORDER BY sha256 COLLATE "C", path COLLATE "C" ON CONFLICT DO NOTHING`, [at]);
      }
      await c.query('DELETE FROM hunt_claim WHERE path = $1 AND size = $2 AND mtime_ms = $3 AND host = $4 AND pid = $5',
        [info.path, info.size, Math.trunc(info.mtimeMs), HOST, process.pid]);
      return {
        evidenceId, status: known ? 'known' : 'new', path: known ? known.path : info.path, sha256: info.sha256, format: first.format,
        sightings: stored, alreadyKnown: staged - stored, afterId, samples,
      };
    };
    const commitAll = () => inTransaction(c, async () => {
      // Commits of the same content take turns; locks in key order, so two batches never wait on each other in a circle.
      const keys = [...new Set(ended.map((e) => evidenceLockKey(e.sha256)))].sort((a, b) => a - b);
      await c.query('SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int[]) AS k', [LOCK_CLASS, keys]);
      const now = new Date().toISOString();
      // Each evidence this commit stored sightings in, with the newest id it had before.
      const touched = new Map<number, number>();
      const outcomes: CommitOutcome[] = [];
      for (let i = 0; i < ended.length; i++) outcomes.push(await storeOne(ended[i]!, i, now, touched));
      if (touched.size > 0) await this.rollUp(c, touched);
      // Last, so the row is held only until the commit: the revision changes whenever a commit lands.
      await this.bumpRevision(c, 'evidence');
      return outcomes;
    });
    const check = () => { if (!open) throw new Error('evidence writer already finished'); };
    return {
      get files() { return ended.length; },
      async addSightings(pass, rows) {
        check();
        await discarded();
        await stage(stageSightingSql, SIGHTING_COLUMNS, rows, [pass.family, pass.format]);
        sightingsIn[slot] = (sightingsIn[slot] ?? 0) + rows.length;
      },
      async addSamples(rows) {
        check();
        await discarded();
        await stage(stageSampleSql, SAMPLE_COLUMNS, rows, []);
        samplesIn[slot] = (samplesIn[slot] ?? 0) + rows.length;
      },
      end(info) {
        check();
        ended.push(info);
        slot++;
        sightingsIn[slot] = 0;
        samplesIn[slot] = 0;
      },
      discard() {
        check();
        // The slot is staged again from empty. discard() returns at once: the delete is awaited by the writer's next call.
        discarding = c.query(`DELETE FROM stage_sighting WHERE slot = ${slot}; DELETE FROM stage_sample WHERE slot = ${slot}`);
        // Its failure is met when it is awaited, not reported as unhandled before.
        discarding.catch(() => undefined);
        sightingsIn[slot] = 0;
        samplesIn[slot] = 0;
      },
      async commit() {
        check();
        try {
          await discarded();
          return await commitAll();
        } finally {
          await finish();
        }
      },
      async rollback() { await finish(); },
    };
  }

  /**
   * Brings the roll-ups up to date with what one commit stored: sightings of
   * each touched evidence above the id it had before. One upsert per table,
   * its rows in key order (two commits lock shared roll-up rows in the same
   * order).
   */
  private async rollUp(c: Client, touched: Map<number, number>): Promise<void> {
    const ev = [[...touched.keys()], [...touched.values()]];
    const from = 'FROM sighting s JOIN unnest($1::bigint[], $2::bigint[]) AS b(e, after) ON s.evidence_id = b.e AND s.id > b.after';
    await c.query(`INSERT INTO rollup_src(indicator_id, src, kind, first_ts, last_ts, sightings)
      SELECT indicator_id, coalesce(src, ''), ${ROLLUP_KIND_SQL}, min(ts), max(ts), count(*) ${from} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (indicator_id, src, kind) DO UPDATE SET
        first_ts = least(rollup_src.first_ts, excluded.first_ts),
        last_ts = greatest(rollup_src.last_ts, excluded.last_ts),
        sightings = rollup_src.sightings + excluded.sightings`, ev);
    await c.query(`INSERT INTO rollup_day(indicator_id, day, sightings)
      SELECT indicator_id, ${DAY_SQL}, count(*) ${from} WHERE ts IS NOT NULL AND ts >= 0 AND ${VICTIM_FIELD_SQL} GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (indicator_id, day) DO UPDATE SET sightings = rollup_day.sightings + excluded.sightings`, ev);
    await c.query(`INSERT INTO rollup_host(indicator_id, host_id, src, sightings)
      SELECT indicator_id, host_id, coalesce(src, ''), count(*) ${from} WHERE host_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (indicator_id, host_id, src) DO UPDATE SET sightings = rollup_host.sightings + excluded.sightings`, ev);
  }

  /** The conditions of a sightings listing on the sighting table alone (x), or null when it selects nothing. */
  private async sightingWhere(filter: SightingFilter, p: Params): Promise<string | null> {
    let where = '';
    if (filter.indicator !== undefined) {
      const ids = await this.indicatorIds(filter.indicator);
      if (ids.length === 0) return null;
      where += ` AND x.indicator_id = ANY(${p.add(ids)}::bigint[])`;
    }
    if (filter.campaign !== undefined) {
      const found = await this.findCampaign(filter.campaign);
      if (!found) return null;
      where += ` AND x.indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ${p.add(found.id)})`;
    }
    if (filter.src !== undefined) where += ` AND x.src = ${p.add(filter.src)}`;
    if (filter.evidenceId !== undefined) where += ` AND x.evidence_id = ${p.add(filter.evidenceId)}`;
    if (filter.since !== undefined || filter.until !== undefined) {
      where += ` AND x.ts >= ${p.add(filter.since ?? Number.MIN_SAFE_INTEGER)} AND x.ts <= ${p.add(filter.until ?? Number.MAX_SAFE_INTEGER)}`;
    }
    return where;
  }

  /** One page of sightings above `afterId`: the page's ids first, then only those rows read and joined. */
  private async sightingPage(filter: SightingFilter, afterId: number, n: number): Promise<SightingDbRow[] | null> {
    const p = new Params();
    const after = p.add(afterId);
    const where = await this.sightingWhere(filter, p);
    if (where === null) return null;
    return this.rows<SightingDbRow>(`${SIGHTING_SELECT}
      WHERE x.id IN (SELECT x.id FROM sighting x WHERE x.id > ${after}${where} ORDER BY x.id LIMIT ${p.add(n)}) ORDER BY x.id`, p.values);
  }

  /**
   * One page in time order after `after` (Store.pageSightings): the timed
   * sightings by the (ts, indicator_id, id) index, then those without a time.
   */
  private async sightingTimePage(filter: SightingFilter, after: SightingTimeKey | undefined, n: number): Promise<SightingDbRow[] | null> {
    const rows: SightingDbRow[] = [];
    if (after === undefined || after.ts !== null) {
      const p = new Params();
      const key = after === undefined ? '' : ` AND (x.ts, x.indicator_id, x.id) > (${p.add(after.ts)}, ${p.add(after.indicatorId)}, ${p.add(after.id)})`;
      const where = await this.sightingWhere(filter, p);
      if (where === null) return null;
      rows.push(...await this.rows<SightingDbRow>(`${SIGHTING_SELECT}
        WHERE x.id IN (SELECT x.id FROM sighting x WHERE x.ts IS NOT NULL${key}${where} ORDER BY x.ts, x.indicator_id, x.id LIMIT ${p.add(n)})
        ORDER BY x.ts, x.indicator_id, x.id`, p.values));
    }
    if (untimedMayMatch(filter) && rows.length < n) {
      const p = new Params();
      const key = after === undefined || after.ts !== null ? '' : ` AND (x.indicator_id, x.id) > (${p.add(after.indicatorId)}, ${p.add(after.id)})`;
      const where = await this.sightingWhere(filter, p);
      if (where === null) return null;
      rows.push(...await this.rows<SightingDbRow>(`${SIGHTING_SELECT}
        WHERE x.id IN (SELECT x.id FROM sighting x WHERE x.ts IS NULL${key}${where} ORDER BY x.indicator_id, x.id LIMIT ${p.add(n - rows.length)})
        ORDER BY x.indicator_id, x.id`, p.values));
    }
    return rows;
  }


  /** The ids of the indicators a sighting filter names; a rule also by its name. */
  private async indicatorIds(ind: { type?: IndicatorType; value: string }): Promise<number[]> {
    const types = ind.type !== undefined ? [ind.type] : [...INDICATOR_TYPES];
    let q = 'SELECT id FROM indicator WHERE type = ANY($1::text[]) AND value = $2';
    const params: unknown[] = [types, ind.value];
    if (ind.type === undefined || ind.type === 'yara') {
      q += " UNION SELECT id FROM indicator WHERE type = 'yara' AND right(value, $3) = $4";
      params.push(ind.value.length + 1, `:${ind.value}`);
    }
    return (await this.arrays<[number]>(`${q} ORDER BY 1`, params)).map((r) => Number(r[0]));
  }

  /** Each row's campaigns, read once per distinct indicator of the rows. */
  private async campaignsOf(rows: readonly { indicator_id: number }[]): Promise<Map<number, string[]>> {
    const ids = [...new Set(rows.map((r) => Number(r.indicator_id)))];
    const out = new Map<number, string[]>();
    if (ids.length === 0) return out;
    const pairs = await this.arrays<[number, string]>(`SELECT DISTINCT r.indicator_id, c.name FROM indicator_ref r JOIN campaign c ON c.id = r.campaign_id
      WHERE r.indicator_id = ANY($1::bigint[])`, [ids]);
    for (const [id, name] of pairs) {
      const list = out.get(Number(id));
      if (list) list.push(name); else out.set(Number(id), [name]);
    }
    for (const list of out.values()) list.sort();
    return out;
  }

  async *listSightings(filter: SightingFilter): AsyncIterable<Sighting> {
    yield* sightingsInPages(filter, LIST_PAGE_ROWS, async (after, n) => (await this.sightingPage(filter, after, n)) ?? [], (rows) => this.campaignsOf(rows));
  }

  async pageSightings(filter: SightingFilter, limit: number, order: SightingOrder = { by: 'id' }): Promise<SightingRow[]> {
    const n = Math.trunc(Math.min(limit, filter.limit ?? Infinity));
    if (n <= 0) return [];
    const rows = order.by === 'time' ? await this.sightingTimePage(filter, order.after, n) : await this.sightingPage(filter, filter.afterId ?? 0, n);
    if (!rows) return [];
    return toSightingRows(rows, await this.campaignsOf(rows));
  }


  private async sampleQuery(filter: SampleFilter): Promise<{ q: string; p: Params } | null> {
    const p = new Params();
    let where = '';
    if (filter.campaign !== undefined) {
      const found = await this.findCampaign(filter.campaign);
      if (!found) return null;
      // Per sample, through the sample's own sightings (indexed): not through every sighting of the campaign.
      where = ` AND EXISTS (SELECT 1 FROM sighting s JOIN indicator_ref r ON r.indicator_id = s.indicator_id
        WHERE s.sample_sha256 = x.sha256 AND r.campaign_id = ${p.add(found.id)})`;
    }
    if (filter.hash !== undefined) {
      // Told apart by length, as matching does.
      const h = filter.hash.toLowerCase();
      const column = h.length === 32 ? 'md5' : h.length === 40 ? 'sha1' : h.length === 64 ? 'sha256' : null;
      if (column === null || !/^[0-9a-f]+$/.test(h)) return null;
      where += ` AND x.${column} = ${p.add(h)}`;
    }
    if (filter.afterId !== undefined) where += ` AND x.id > ${p.add(filter.afterId)}`;
    const q = `SELECT x.id, x.sha256, x.md5, x.sha1, x.size, x.type, x.facts,
        array(SELECT DISTINCT sp.path FROM sample_path sp WHERE sp.sha256 = x.sha256) AS paths,
        array(SELECT DISTINCT c.name FROM sighting s JOIN indicator_ref r ON r.indicator_id = s.indicator_id
          JOIN campaign c ON c.id = r.campaign_id WHERE s.sample_sha256 = x.sha256) AS campaigns,
        array(SELECT DISTINCT i.value FROM sighting s JOIN indicator i ON i.id = s.indicator_id
          WHERE s.sample_sha256 = x.sha256 AND i.type = 'yara') AS yara
      FROM sample x WHERE true${where}`;
    return { q, p };
  }

  async *listSamples(filter: SampleFilter): AsyncIterable<SampleRecord> {
    const query = await this.sampleQuery(filter);
    if (!query) return;
    for await (const r of this.paged<SampleDbRow>(query.q, query.p.values)) yield toSample(r);
  }

  async pageSamples(filter: SampleFilter, limit: number): Promise<SampleRow[]> {
    const query = await this.sampleQuery(filter);
    if (!query || !(limit > 0)) return [];
    const rows = await this.rows<SampleDbRow>(`${query.q} ORDER BY x.id LIMIT ${query.p.add(Math.trunc(limit))}`, query.p.values);
    return rows.map((r) => ({ id: Number(r.id), sample: toSample(r) }));
  }

  async pageIndicators(filter: IndicatorFilter, limit: number): Promise<IndicatorRow[]> {
    const query = await this.indicatorQuery(filter, true);
    if (!query || !(limit > 0)) return [];
    const rows = await this.rows<IndicatorDbRow>(`${query.q} ORDER BY x.id LIMIT ${query.p.add(Math.trunc(limit))}`, query.p.values);
    return rows.map((r) => ({ id: Number(r.id), indicator: toIndicator(r), sightings: Number(r.sightings) }));
  }

  async pageEvidence(filter: EvidenceFilter, limit: number): Promise<EvidenceRow[]> {
    if (!(limit > 0)) return [];
    const p = new Params();
    let where = '';
    if (filter.id !== undefined) where += ` AND x.id = ${p.add(filter.id)}`;
    if (filter.sha256 !== undefined) where += ` AND x.sha256 = ${p.add(filter.sha256.toLowerCase())}`;
    if (filter.afterId !== undefined) where += ` AND x.id > ${p.add(filter.afterId)}`;
    const rows = await this.rows<Record<string, unknown>>(`SELECT x.*, ${FAMILIES},
        (SELECT count(*) FROM sighting s WHERE s.evidence_id = x.id) AS sightings
      FROM evidence x WHERE true${where} ORDER BY x.id LIMIT ${p.add(Math.trunc(limit))}`, p.values);
    return rows.map((r) => ({ ...toEvidence(r), sightings: Number(r['sightings']) }));
  }

  async revision(): Promise<CaseRevision> {
    const r = (await this.rows<{ s: number; h: number; r: string; a: number }>(`SELECT (SELECT coalesce(max(id), 0) FROM sighting) AS s,
      (SELECT coalesce(max(id), 0) FROM evidence_hunt) AS h,
      (SELECT coalesce(string_agg(name || '=' || value, ',' ORDER BY name COLLATE "C"), '') FROM case_revision) AS r,
      (SELECT coalesce(max(value), 0) FROM case_revision WHERE name = 'assets') AS a`))[0]!;
    return { data: `${r.s}.${r.h}.${r.r}`, assets: Number(r.a) };
  }

  async campaignActivity(campaign: string): Promise<CampaignActivity | null> {
    const found = await this.findCampaign(campaign);
    if (!found) return null;
    const c = [found.id];
    const mine = 'SELECT indicator_id FROM indicator_ref WHERE campaign_id = $1';
    const aliases = (await this.arrays<[string]>('SELECT alias FROM campaign_alias WHERE campaign_id = $1 ORDER BY lower(alias COLLATE "C"), alias COLLATE "C"', c))
      .map((r) => r[0]);
    const byType: Partial<Record<IndicatorType, number>> = {};
    for (const [type, n] of await this.arrays<[IndicatorType, number]>(`SELECT i.type, count(*) FROM indicator i WHERE i.id IN (${mine})
      GROUP BY i.type ORDER BY i.type COLLATE "C"`, c)) byType[type] = Number(n);
    const indicators = (await this.arrays<[number, IndicatorType, string, number, number]>(`SELECT i.id, i.type, i.value, sum(s.sightings),
        count(DISTINCT nullif(s.src, ''))
      FROM rollup_src s JOIN indicator i ON i.id = s.indicator_id WHERE s.indicator_id IN (${mine}) AND s.kind = '' GROUP BY i.id ORDER BY i.id`, c))
      .map(([id, type, value, n, victims]) => ({ id: Number(id), type, value: shownValue(type, value), sightings: Number(n), victims: Number(victims) }));
    const rows = await this.arrays<[string, number | null]>(`SELECT src, first_ts FROM rollup_src
      WHERE indicator_id IN (${mine}) AND kind = '' AND src <> '' ORDER BY indicator_id, src COLLATE "C"`, c);
    const victims = mergeVictims(rows.map((r) => r[0]), rows.map((r) => (r[1] === null ? null : Number(r[1]))), indicators.length);
    const excluded = { crawlers: 0, scanners: 0 };
    for (const [kind, n] of await this.arrays<[string, number]>(`SELECT kind, count(DISTINCT src) FROM rollup_src
      WHERE indicator_id IN (${mine}) AND kind <> '' GROUP BY kind`, c)) {
      if (kind === 'crawler') excluded.crawlers = Number(n);
      else if (kind === 'scanner') excluded.scanners = Number(n);
    }
    const [firstTs, lastTs, sightings] = (await this.arrays<[number | null, number | null, number]>(`SELECT min(CASE WHEN kind = '' THEN first_ts END),
      max(CASE WHEN kind = '' THEN last_ts END), coalesce(sum(sightings), 0) FROM rollup_src WHERE indicator_id IN (${mine})`, c))[0]!;
    const days = (await this.arrays<[number, number]>(`SELECT day, sum(sightings) FROM rollup_day WHERE indicator_id IN (${mine})
      GROUP BY day ORDER BY day`, c)).map(([day, n]) => ({ day: Number(day), sightings: Number(n) }));
    const hostIds = Number((await this.arrays<[number]>(`SELECT count(DISTINCT host_id) FROM rollup_host WHERE indicator_id IN (${mine})`, c))[0]![0]);
    return {
      campaign: found.name, aliases, victims, excluded, firstTs: firstTs === null ? null : Number(firstTs), lastTs: lastTs === null ? null : Number(lastTs),
      sightings: Number(sightings), days, indicatorsByType: byType, indicators, hostIds,
    };
  }

  async campaignSources(campaign: string): Promise<SourceActivity[]> {
    const found = await this.findCampaign(campaign);
    if (!found) return [];
    return mergeSources(await this.arrays<[number, string, string, number | null, number | null, number]>(`SELECT indicator_id, src, kind, first_ts,
      last_ts, sightings FROM rollup_src WHERE indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = $1)`, [found.id]));
  }

  async campaignHostIds(campaign: string): Promise<{ hostId: string; src: string }[]> {
    const found = await this.findCampaign(campaign);
    if (!found) return [];
    return (await this.arrays<[string, string]>(`SELECT DISTINCT host_id COLLATE "C", src COLLATE "C" FROM rollup_host
      WHERE indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = $1) ORDER BY 1, 2`, [found.id]))
      .map(([hostId, src]) => ({ hostId, src }));
  }

  async campaignOverlap(campaign: string): Promise<CampaignOverlap[]> {
    const found = await this.findCampaign(campaign);
    if (!found) return [];
    const c = [found.id];
    // This campaign's victims, then every other campaign's, met in a set: one pass over each side's roll-up rows.
    const mine = new Set((await this.arrays<[string]>(`SELECT s.src FROM rollup_src s WHERE s.kind = '' AND s.src <> ''
      AND s.indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = $1)`, c)).map((r) => r[0]));
    const theirs = await this.arrays<[string, string]>(`SELECT k.name, s.src FROM rollup_src s
        JOIN (SELECT DISTINCT indicator_id, campaign_id FROM indicator_ref WHERE campaign_id <> $1) r ON r.indicator_id = s.indicator_id
        JOIN campaign k ON k.id = r.campaign_id
      WHERE s.kind = '' AND s.src <> ''`, c);
    const shared = await this.arrays<[string, string, string]>(`SELECT DISTINCT k.name, i.type, i.value FROM indicator_ref a
        JOIN indicator_ref b ON b.indicator_id = a.indicator_id AND b.campaign_id <> a.campaign_id
        JOIN campaign k ON k.id = b.campaign_id JOIN indicator i ON i.id = a.indicator_id
      WHERE a.campaign_id = $1`, c);
    return overlapOf(mine, theirs, shared);
  }

  async setHostIdParams(campaign: string, params: readonly string[]): Promise<void> {
    const found = await this.findCampaign(campaign);
    if (!found) throw new Error(`no campaign named ${campaign} in the case`);
    await this.withClient((c) => inTransaction(c, async () => {
      await c.query('UPDATE campaign SET host_id_params = $1 WHERE id = $2', [hostIdParamsJson(params), found.id]);
      await this.bumpRevision(c, 'campaigns');
    }));
  }

  async hostIdParams(): Promise<string[]> {
    return hostIdParamList((await this.arrays<[string]>('SELECT host_id_params FROM campaign WHERE host_id_params IS NOT NULL ORDER BY id')).map((r) => r[0]));
  }

  /**
   * One statement for the lot, under the catalog lock (so the count of
   * entries added is exact while another process writes the directory). An
   * address listed twice takes its first place and its last values, as
   * entries written one after another would.
   */
  async addAssets(rows: readonly AssetRecord[]): Promise<{ added: number; replaced: number }> {
    const last = new Map<string, AssetRecord>();
    for (const r of rows) last.set(r.address, r);
    const list = [...last.values()];
    const added = await this.withClient((c) => inTransaction(c, async () => {
      await this.catalogLock(c);
      const known = (await c.query('SELECT 1 FROM asset WHERE address = ANY($1::text[])', [list.map((r) => r.address)])).rowCount ?? 0;
      await c.query(`INSERT INTO asset(address, kind, organisation, sector, country)
        SELECT u.address, u.kind, u.organisation, u.sector, u.country
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(address, kind, organisation, sector, country, n)
        ORDER BY u.n
        ON CONFLICT (address) DO UPDATE SET kind = excluded.kind, organisation = excluded.organisation, sector = excluded.sector, country = excluded.country`,
      [list.map((r) => r.address), list.map((r) => r.kind), list.map((r) => r.organisation), list.map((r) => r.sector), list.map((r) => r.country)]);
      await this.bumpRevision(c, 'assets');
      return list.length - known;
    }));
    return { added, replaced: rows.length - added };
  }

  async listAssets(): Promise<AssetRecord[]> {
    return (await this.rows<AssetRecord>('SELECT address, kind, organisation, sector, country FROM asset ORDER BY id'))
      .map((r) => ({ address: r.address, kind: r.kind, organisation: r.organisation, sector: r.sector, country: r.country }));
  }

  async addApiToken(t: { sha256: string; role: ApiRole; name: string | null }): Promise<ApiToken> {
    const createdAt = new Date().toISOString();
    const id = Number((await this.rows<{ id: number }>('INSERT INTO api_token(sha256, role, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [t.sha256, t.role, t.name, createdAt]))[0]!.id);
    return { id, sha256: t.sha256, role: t.role, name: t.name, createdAt };
  }

  async listApiTokens(): Promise<ApiToken[]> {
    const rows = await this.rows<{ id: number; sha256: string; role: string; name: string | null; created_at: string }>(
      'SELECT id, sha256, role, name, created_at FROM api_token ORDER BY id');
    return rows.map((r) => ({
      id: Number(r.id), sha256: r.sha256, role: r.role === 'analyst' ? 'analyst' : 'reader', name: r.name, createdAt: r.created_at,
    }));
  }

  async revokeApiToken(id: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM api_token WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async syncState(name: string): Promise<string | null> {
    return (await this.rows<{ value: string }>('SELECT value FROM sync_state WHERE name = $1', [name]))[0]?.value ?? null;
  }

  async setSyncState(name: string, value: string): Promise<void> {
    await this.pool.query(`INSERT INTO sync_state(name, value, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, [name, value, new Date().toISOString()]);
  }

  async close(): Promise<void> {
    for (const s of [this.evidenceSession, this.importSession]) s?.release();
    this.evidenceSession = null;
    this.importSession = null;
    await this.pool.end();
  }
}
