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
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Campaign, CampaignInfo, Indicator, IndicatorType, Sighting, YaraHit } from '../../core/model.js';
import type { Database } from '../schema.js';
import { MIGRATION_NAMES } from '../migrations/names.js';
import type {
  EvidenceCommit, EvidenceWriter, HuntFilter, HuntIndicator, ImportCounts, IndicatorFilter, IndicatorInput,
  SampleFilter, SampleInput, SampleRecord, SightingFilter, SightingInput, Store, StoredEvidence,
} from '../store.js';

type Db = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** Rows fetched per step when streaming a listing. */
const LIST_PAGE_ROWS = 2000;
/** Indicator ids covered per step when loading a hunt's indicators. */
const HUNT_PAGE_IDS = 50_000;

function parseJsonArray(s: unknown): string[] {
  if (typeof s !== 'string') return [];
  const a = JSON.parse(s) as unknown[];
  return a.filter((x): x is string => typeof x === 'string').sort();
}

function toEvidence(r: Record<string, unknown>): StoredEvidence {
  return {
    id: Number(r['id']),
    path: String(r['path']),
    sha256: String(r['sha256']),
    format: String(r['format']),
    size: Number(r['size']),
    lines: Number(r['lines']),
    records: Number(r['records']),
    skipped: Number(r['skipped']),
    huntedAt: String(r['hunted_at']),
  };
}

/** Opens (creating if needed) a SQLite case file and brings its schema up to date. */
export async function openSqliteStore(path: string): Promise<Store> {
  const db = new BetterSqlite3(path);
  // 8 KiB pages (a new case only: the size is fixed once the file has tables):
  // fewer page splits when a million indicators are merged.
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // 64 MiB of page cache: bulk merges touch B-trees all over.
  db.pragma('cache_size = -65536');
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
  private k: Kysely<Database> | null = null;

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
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS stage(type TEXT NOT NULL, value TEXT NOT NULL, warninglist TEXT, description TEXT,
      rule_source_id INTEGER, campaign_id INTEGER NOT NULL, source_id INTEGER NOT NULL)`);
    this.st = {
      stageClear: p('DELETE FROM temp.stage'),
      evidenceByFile: p('SELECT * FROM evidence WHERE path = ? AND size = ? AND mtime_ms = ?'),
      evidenceBySha: p('SELECT * FROM evidence WHERE sha256 = ?'),
      insertPendingEvidence: p(
        "INSERT INTO evidence(path, sha256, format, size, mtime_ms, lines, records, skipped, hunted_at) VALUES ('', 'pending:' || hex(randomblob(16)), '', 0, 0, 0, 0, 0, '')"),
      completeEvidence: p(`UPDATE evidence SET path = ?, sha256 = ?, format = ?, size = ?, mtime_ms = ?, lines = ?, records = ?,
          skipped = ?, hunted_at = ? WHERE id = ?`),
      stageJson: p(`INSERT INTO temp.stage SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
        FROM json_each(?)`),
      maxIndicatorId: p('SELECT max(id) AS m FROM indicator'),
      // "WHERE true" lets SQLite parse ON CONFLICT after INSERT … SELECT.
      mergeIndicators: p(`INSERT INTO indicator(type, value, warninglist, description, rule_source_id)
        SELECT type, value, warninglist, description, rule_source_id FROM temp.stage WHERE true
        ON CONFLICT(type, value) DO UPDATE SET
          warninglist = coalesce(excluded.warninglist, indicator.warninglist),
          description = coalesce(indicator.description, excluded.description),
          rule_source_id = coalesce(excluded.rule_source_id, indicator.rule_source_id)`),
      mergeRefs: p(`INSERT OR IGNORE INTO indicator_ref(indicator_id, campaign_id, source_id)
        SELECT i.id, s.campaign_id, s.source_id FROM temp.stage s JOIN indicator i ON i.type = s.type AND i.value = s.value
        ORDER BY i.id`),
      campaignByName: p('SELECT id, name FROM campaign WHERE name = ?'),
      campaignByAlias: p('SELECT c.id, c.name FROM campaign_alias a JOIN campaign c ON c.id = a.campaign_id WHERE a.alias = ? ORDER BY c.id LIMIT 1'),
      insertCampaign: p('INSERT INTO campaign(name) VALUES (?)'),
      insertAlias: p('INSERT OR IGNORE INTO campaign_alias(campaign_id, alias) VALUES (?, ?)'),
      sourceByName: p('SELECT id FROM source WHERE name = ?'),
      insertSource: p('INSERT INTO source(name) VALUES (?)'),
      ruleBySha: p('SELECT id FROM rule_source WHERE sha256 = ?'),
      insertRule: p('INSERT INTO rule_source(sha256, name, text) VALUES (?, ?, ?)'),
      insertSighting: p(`INSERT INTO sighting(evidence_id, indicator_id, matched, field, ts, src, dst, line, packet, inside, sample_sha256, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertSample: p(`INSERT INTO sample(sha256, md5, sha1, size, type, facts, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(sha256) DO NOTHING`),
      insertSamplePath: p('INSERT OR IGNORE INTO sample_path(sha256, path) VALUES (?, ?)'),
      insertKnownSamplePath: p('INSERT OR IGNORE INTO sample_path(sha256, path) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM sample WHERE sha256 = ?)'),
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
    this.db.transaction(() => {
      for (const c of campaigns) {
        const id = this.campaignId(c.name);
        for (const a of c.aliases) {
          if (a.toLowerCase() !== c.name.toLowerCase()) this.st['insertAlias']!.run(id, a);
        }
      }
    })();
  }

  /**
   * Set-based merge: the batch goes into a temporary table, then two statements merge it into `indicator` and
   * `indicator_ref`. New rows take ids above the old maximum (one writer),
   * which is how the new ones are counted.
   */
  async addIndicators(batch: readonly IndicatorInput[]): Promise<ImportCounts> {
    const db = this.db;
    const keys = new Set<string>();
    for (const i of batch) keys.add(`${i.type}\0${i.value}`);
    let added = 0;
    // The batch travels as one JSON text that SQLite unpacks with json_each:
    // one bound parameter instead of seven per row.
    const rows: unknown[] = [];
    for (const i of batch) {
      const rule = i.ruleSource !== undefined ? this.ruleSourceId(i.source, i.ruleSource) : null;
      rows.push([i.type, i.value, i.warninglist, i.description ?? null, rule, this.campaignId(i.campaign), this.sourceId(i.source)]);
    }
    const json = JSON.stringify(rows);
    db.transaction(() => {
      this.st['stageClear']!.run();
      this.st['stageJson']!.run(json);
      const before = Number((this.st['maxIndicatorId']!.get() as { m: number | null }).m ?? 0);
      this.st['mergeIndicators']!.run();
      const after = Number((this.st['maxIndicatorId']!.get() as { m: number | null }).m ?? 0);
      added = after - before;
      this.st['mergeRefs']!.run();
    })();
    return { added, merged: keys.size - added };
  }

  async resolveCampaign(nameOrAlias: string): Promise<string | null> {
    const row = (this.st['campaignByName']!.get(nameOrAlias) ?? this.st['campaignByAlias']!.get(nameOrAlias)) as
      | { name: string }
      | undefined;
    return row ? row.name : null;
  }

  /** Streams rows of a prepared statement page by page (keyset on id), so a listing holds no cursor across awaits. */
  private async *paged<R extends { id: number }>(sqlText: string, params: unknown[], key = 'x.id'): AsyncGenerator<R> {
    const stmt = this.db.prepare(`${sqlText} AND ${key} > ? ORDER BY ${key} LIMIT ${LIST_PAGE_ROWS}`);
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

  async *listIndicators(filter: IndicatorFilter): AsyncIterable<Indicator> {
    const cf = await this.campaignFilter(filter.campaign);
    if (!cf) return;
    const params = [...cf.params];
    let where = cf.where;
    if (filter.type) { where += ' AND x.type = ?'; params.push(filter.type); }
    const q = `SELECT x.id, x.type, x.value, x.warninglist,
        (SELECT json_group_array(DISTINCT c.name) FROM indicator_ref r JOIN campaign c ON c.id = r.campaign_id WHERE r.indicator_id = x.id) AS campaigns,
        (SELECT json_group_array(DISTINCT s.name) FROM indicator_ref r JOIN source s ON s.id = r.source_id WHERE r.indicator_id = x.id) AS sources
      FROM indicator x WHERE 1 = 1${where}`;
    for await (const r of this.paged<{ id: number; type: string; value: string; warninglist: string | null; campaigns: string; sources: string }>(q, params)) {
      yield {
        type: r.type as IndicatorType,
        value: r.value,
        campaigns: parseJsonArray(r.campaigns),
        sources: parseJsonArray(r.sources),
        warninglist: r.warninglist,
      };
    }
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
    const names = new Map((this.db.prepare('SELECT id, name FROM campaign').all() as { id: number; name: string }[]).map((c) => [c.id, c.name]));
    const shared = new Map<string, string[]>();
    const stmt = this.db.prepare(`SELECT x.id, x.type, x.value, r.campaign_id FROM indicator x
      JOIN indicator_ref r ON r.indicator_id = x.id WHERE x.id > ?${where} AND x.id <= ? ORDER BY x.id`).raw(true);
    const maxId = Number((this.st['maxIndicatorId']!.get() as { m: number | null }).m ?? 0);
    for (let from = 0; from < maxId; from += HUNT_PAGE_IDS) {
      const rows = stmt.all(from, ...cf.params, from + HUNT_PAGE_IDS) as [number, string, string, number][];
      const page: HuntIndicator[] = [];
      let i = 0;
      while (i < rows.length) {
        const [id, type, value, first] = rows[i]!;
        let campaigns: string[];
        if (i + 1 >= rows.length || rows[i + 1]![0] !== id) {
          // The common case: one campaign (and one source) per indicator.
          const name = names.get(first) ?? '';
          campaigns = shared.get(name) ?? [name];
          shared.set(name, campaigns);
          i++;
        } else {
          const set = new Set<string>();
          for (; i < rows.length && rows[i]![0] === id; i++) set.add(names.get(rows[i]![3]) ?? '');
          const list = [...set].sort();
          const key = list.join('\0');
          campaigns = shared.get(key) ?? list;
          shared.set(key, campaigns);
        }
        page.push({ id, type: type as IndicatorType, value, campaigns });
      }
      if (page.length > 0) yield page;
    }
  }

  async yaraSources(filter: HuntFilter): Promise<{ name: string; source: string }[]> {
    const cf = await this.campaignFilter(filter.campaign);
    if (!cf) return [];
    let where = cf.where + " AND x.type = 'yara'";
    if (!filter.includeWarninglisted) where += ' AND x.warninglist IS NULL';
    const rows = this.db.prepare(`SELECT DISTINCT rs.id, rs.name, rs.text FROM indicator x
      JOIN rule_source rs ON rs.id = x.rule_source_id WHERE 1 = 1${where} ORDER BY rs.id`).all(...cf.params) as
      { name: string; text: string }[];
    return rows.map((r) => ({ name: r.name, source: r.text }));
  }

  async evidenceByFile(path: string, size: number, mtimeMs: number): Promise<StoredEvidence | null> {
    const r = this.st['evidenceByFile']!.get(path, size, Math.trunc(mtimeMs)) as Record<string, unknown> | undefined;
    return r ? toEvidence(r) : null;
  }

  async beginEvidence(): Promise<EvidenceWriter> {
    // One evidence file at a time: a placeholder evidence row gets the
    // sightings' foreign key; commit() fills it in, rollback() discards all.
    const db = this.db;
    db.exec('BEGIN IMMEDIATE');
    const st = this.st;
    const evidenceId = Number(st['insertPendingEvidence']!.run().lastInsertRowid);
    const samplePaths: [string, string][] = [];
    const insert = this.st['insertSighting']!;
    let open = true;
    const finish = (how: 'COMMIT' | 'ROLLBACK') => {
      if (!open) return;
      open = false;
      db.exec(how);
    };
    return {
      async addSightings(rows: readonly SightingInput[]) {
        if (!open) throw new Error('evidence writer already finished');
        for (const s of rows) {
          insert.run(evidenceId, s.indicatorId, s.matched, s.field, s.ts, s.src, s.dst, s.line ?? null, s.packet ?? null,
            s.inside ?? null, s.sample ?? null, s.yara ? JSON.stringify(s.yara) : null);
        }
      },
      addSamples: async (rows: readonly SampleInput[]) => {
        if (!open) throw new Error('evidence writer already finished');
        const now = new Date().toISOString();
        for (const r of rows) {
          this.st['insertSample']!.run(r.sha256, r.md5, r.sha1, r.size, r.type, r.facts === null || r.facts === undefined ? null : JSON.stringify(r.facts), now);
          this.st['insertSamplePath']!.run(r.sha256, r.path);
          samplePaths.push([r.sha256, r.path]);
        }
      },
      async commit(info: EvidenceCommit) {
        const dup = st['evidenceBySha']!.get(info.sha256);
        if (dup) {
          finish('ROLLBACK');
          // The same content elsewhere: no second evidence, but the case learns where else its samples lie.
          if (samplePaths.length > 0) {
            db.transaction(() => { for (const [sha, path] of samplePaths) st['insertKnownSamplePath']!.run(sha, path, sha); })();
          }
          return 'duplicate';
        }
        st['completeEvidence']!.run(info.path, info.sha256, info.format, info.size,
          Math.trunc(info.mtimeMs), info.lines, info.records, info.skipped, new Date().toISOString(), evidenceId);
        finish('COMMIT');
        return 'committed';
      },
      async rollback() { finish('ROLLBACK'); },
    };
  }

  async *listSightings(filter: SightingFilter): AsyncIterable<Sighting> {
    const params: unknown[] = [];
    let where = '';
    if (filter.campaign !== undefined) {
      const name = await this.resolveCampaign(filter.campaign);
      if (name === null) return;
      where += ' AND x.indicator_id IN (SELECT indicator_id FROM indicator_ref WHERE campaign_id = ?)';
      params.push(this.campaignId(name));
    }
    if (filter.since !== undefined) { where += ' AND x.ts >= ?'; params.push(filter.since); }
    if (filter.until !== undefined) { where += ' AND x.ts <= ?'; params.push(filter.until); }
    if (filter.src !== undefined) { where += ' AND x.src = ?'; params.push(filter.src); }
    const q = `SELECT x.id, x.matched, x.field, x.ts, x.src, x.dst, x.line, x.packet, x.inside, x.detail,
        i.type, i.value, e.path, e.format,
        (SELECT json_group_array(DISTINCT c.name) FROM indicator_ref r JOIN campaign c ON c.id = r.campaign_id WHERE r.indicator_id = i.id) AS campaigns
      FROM sighting x JOIN indicator i ON i.id = x.indicator_id JOIN evidence e ON e.id = x.evidence_id WHERE 1 = 1${where}`;
    type Row = { id: number; matched: string; field: string; ts: number | null; src: string | null; dst: string | null;
      line: number | null; packet: number | null; inside: string | null; detail: string | null; type: string; value: string; path: string;
      format: string; campaigns: string };
    for await (const r of this.paged<Row>(q, params)) {
      const evidence: Sighting['evidence'] = { path: r.path, format: r.format };
      if (r.line !== null) evidence.line = r.line;
      if (r.packet !== null) evidence.packet = r.packet;
      if (r.inside !== null) evidence.inside = r.inside;
      const sighting: Sighting = {
        indicator: { type: r.type as IndicatorType, value: r.value, campaigns: parseJsonArray(r.campaigns) },
        matched: r.matched,
        field: r.field,
        ts: r.ts === null ? null : new Date(r.ts).toISOString(),
        src: r.src,
        dst: r.dst,
        evidence,
      };
      if (r.detail !== null && r.field === 'yara') sighting.yara = JSON.parse(r.detail) as YaraHit;
      yield sighting;
    }
  }

  async *listSamples(filter: SampleFilter): AsyncIterable<SampleRecord> {
    const params: unknown[] = [];
    let where = '';
    if (filter.campaign !== undefined) {
      const name = await this.resolveCampaign(filter.campaign);
      if (name === null) return;
      where = ` AND x.sha256 IN (SELECT s.sample_sha256 FROM sighting s JOIN indicator_ref r ON r.indicator_id = s.indicator_id
        WHERE r.campaign_id = ? AND s.sample_sha256 IS NOT NULL)`;
      params.push(this.campaignId(name));
    }
    const q = `SELECT x.rowid AS id, x.sha256, x.md5, x.sha1, x.size, x.type, x.facts,
        (SELECT json_group_array(DISTINCT p.path) FROM sample_path p WHERE p.sha256 = x.sha256) AS paths,
        (SELECT json_group_array(DISTINCT c.name) FROM sighting s JOIN indicator_ref r ON r.indicator_id = s.indicator_id
          JOIN campaign c ON c.id = r.campaign_id WHERE s.sample_sha256 = x.sha256) AS campaigns,
        (SELECT json_group_array(DISTINCT i.value) FROM sighting s JOIN indicator i ON i.id = s.indicator_id
          WHERE s.sample_sha256 = x.sha256 AND i.type = 'yara') AS yara
      FROM sample x WHERE 1 = 1${where}`;
    type Row = { id: number; sha256: string; md5: string; sha1: string; size: number; type: string; facts: string | null;
      paths: string; campaigns: string; yara: string };
    for await (const r of this.paged<Row>(q, params, 'x.rowid')) {
      yield {
        sha256: r.sha256, md5: r.md5, sha1: r.sha1, size: Number(r.size), type: r.type,
        paths: parseJsonArray(r.paths), campaigns: parseJsonArray(r.campaigns), yara: parseJsonArray(r.yara),
        pe: r.facts === null ? null : JSON.parse(r.facts) as unknown,
      };
    }
  }

  async close(): Promise<void> {
    if (this.k) await this.k.destroy();
    else this.db.close();
  }
}
