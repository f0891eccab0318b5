/**
 * What every store implementation builds from its rows, in one place: the
 * public sighting, sample, indicator and evidence objects (docs/design.md,
 * JSON contracts), the claim rules, and the JS half of the roll-up reads
 * (victims merged across indicators, sources, overlap). SQLite hands lists
 * over as JSON text (json_group_array), PostgreSQL as arrays; both are read
 * by `stringList`.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { yaraRuleName } from '../core/yara-x.js';
import type { Indicator, IndicatorType, Sighting } from '../core/model.js';
import { applySightingDetail } from './sighting-detail.js';
import type {
  CampaignOverlap, HuntIndicator, ImportCounts, IndicatorInput, IndicatorWriter, SampleRecord, SightingRow, SourceActivity, StoredEvidence,
} from './store.js';

/** This host's name, as claims record it (asked once: os.hostname() is a system call). */
export const HOST = hostname();
/** A claim older than this is stale, whoever holds it (a hunt on another host that died). */
export const CLAIM_STALE_MS = 24 * 3600 * 1000;

/** Whether process `pid` is alive on this host. */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but is someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a claim held by (host, pid) since `claimedAt` may be taken over by this process. */
export function claimIsStale(held: { host: string; pid: number; claimedAt: number }): boolean {
  return Date.now() - held.claimedAt > CLAIM_STALE_MS || (held.host === HOST && !processAlive(held.pid));
}

/** An indicator's value as users see it: a `yara` rule by its name, whatever file it came from (core/yara-x.ts). */
export function shownValue(type: string, value: string): string {
  return type === 'yara' ? yaraRuleName(value) : value;
}

/** A list of strings, sorted: from JSON text (SQLite's json_group_array) or an array (PostgreSQL's). */
export function stringList(s: unknown): string[] {
  const a = typeof s === 'string' ? JSON.parse(s) as unknown[] : Array.isArray(s) ? s as unknown[] : [];
  return a.filter((x): x is string => typeof x === 'string').sort();
}

export function toEvidence(r: Record<string, unknown>): StoredEvidence {
  return {
    id: Number(r['id']),
    mtimeMs: Number(r['mtime_ms']),
    families: stringList(r['families']),
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

export type SightingDbRow = { id: number; evidence_id: number; indicator_id: number; matched: string; field: string; ts: number | null; src: string | null;
  dst: string | null; line: number | null; packet: number | null; inside: string | null; detail: string | null; host_id: string | null;
  type: string; value: string; path: string; format: string };

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit year. */
const ISO_FOUR_DIGIT_YEARS_END_MS = 253_402_300_800_000;
/** Days whose `YYYY-MM-DDT` is kept (a case's sightings span some hundreds): past it the map starts again. */
const MAX_ISO_DAYS = 4096;
const isoDays = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * What `new Date(ms).toISOString()` returns, with each day's date part made
 * once: a page of 100 sightings spent ~5% of its time writing times. Times
 * before 1970 or from the year 10000 on, and non-integers, go to
 * toISOString itself.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= ISO_FOUR_DIGIT_YEARS_END_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let date = isoDays.get(day);
  if (date === undefined) {
    if (isoDays.size >= MAX_ISO_DAYS) isoDays.clear();
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDays.set(day, date);
  }
  const t = ms - day * DAY_MS;
  const milli = t % 1000;
  return `${date}${pad2(Math.floor(t / 3_600_000))}:${pad2(Math.floor(t / 60_000) % 60)}:${pad2(Math.floor(t / 1000) % 60)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** The public sighting object (docs/design.md, sighting line): built here, and only here. */
export function toSighting(r: SightingDbRow, campaigns: string[]): Sighting {
  const evidence: Sighting['evidence'] = { path: r.path, format: r.format };
  if (r.line !== null) evidence.line = Number(r.line);
  if (r.packet !== null) evidence.packet = Number(r.packet);
  if (r.inside !== null) evidence.inside = r.inside;
  const sighting: Sighting = {
    indicator: { type: r.type as IndicatorType, value: shownValue(r.type, r.value), campaigns },
    matched: r.matched,
    field: r.field,
    ts: r.ts === null ? null : isoTime(Number(r.ts)),
    src: r.src,
    dst: r.dst,
    evidence,
  };
  applySightingDetail(sighting, r.detail);
  if (r.host_id !== null) sighting.hostId = r.host_id;
  return sighting;
}

/** Whether sightings without a time can pass `filter` (a time bound excludes them): a time-ordered page reads them last, only then. */
export function untimedMayMatch(filter: { since?: number; until?: number }): boolean {
  return filter.since === undefined && filter.until === undefined;
}

/** A page's rows as the public rows, with their ids and time keys (Store.pageSightings, either store). */
export function toSightingRows(rows: readonly SightingDbRow[], campaigns: ReadonlyMap<number, string[]>): SightingRow[] {
  return rows.map((r) => ({
    id: Number(r.id), evidenceId: Number(r.evidence_id), sighting: toSighting(r, campaigns.get(Number(r.indicator_id)) ?? []),
    timeKey: { ts: r.ts === null ? null : Number(r.ts), indicatorId: Number(r.indicator_id), id: Number(r.id) },
  }));
}

/**
 * Sightings in id order, `pageRows` at a time (Store.listSightings, either
 * store): `page` reads the rows above an id, `campaignsOf` their campaigns.
 */
export async function* sightingsInPages<R extends SightingDbRow>(
  filter: { limit?: number; afterId?: number }, pageRows: number,
  page: (afterId: number, n: number) => R[] | Promise<R[]>,
  campaignsOf: (rows: readonly R[]) => ReadonlyMap<number, string[]> | Promise<ReadonlyMap<number, string[]>>,
): AsyncIterable<Sighting> {
  let left = filter.limit ?? Infinity;
  let after = filter.afterId ?? 0;
  while (left > 0) {
    const rows = await page(after, Math.min(pageRows, left));
    const campaigns = await campaignsOf(rows);
    for (const r of rows) yield toSighting(r, campaigns.get(Number(r.indicator_id)) ?? []);
    if (rows.length < pageRows) return;
    left -= rows.length;
    after = Number(rows[rows.length - 1]!.id);
  }
}

export type SampleDbRow = { id: number; sha256: string; md5: string; sha1: string; size: number; type: string; facts: string | null;
  paths: unknown; campaigns: unknown; yara: unknown };

export function toSample(r: SampleDbRow): SampleRecord {
  return {
    sha256: r.sha256, md5: r.md5, sha1: r.sha1, size: Number(r.size), type: r.type,
    paths: stringList(r.paths), campaigns: stringList(r.campaigns), yara: [...new Set(stringList(r.yara).map(yaraRuleName))].sort(),
    pe: r.facts === null ? null : JSON.parse(r.facts) as unknown,
  };
}

export type IndicatorDbRow = {
  id: number; type: string; value: string; warninglist: string | null; campaigns: unknown; sources: unknown; sightings: number;
  first_seen: string | null; last_seen: string | null; confidence: number | null;
};

export function toIndicator(r: IndicatorDbRow): Indicator {
  const i: Indicator = {
    type: r.type as IndicatorType,
    value: shownValue(r.type, r.value),
    campaigns: stringList(r.campaigns),
    sources: stringList(r.sources),
    warninglist: r.warninglist,
  };
  // Present only when a source gave them (migration 0009), so indicators without them list as before.
  if (r.first_seen !== null && r.first_seen !== undefined) i.firstSeen = r.first_seen;
  if (r.last_seen !== null && r.last_seen !== undefined) i.lastSeen = r.last_seen;
  if (r.confidence !== null && r.confidence !== undefined) i.confidence = Number(r.confidence);
  return i;
}

/**
 * A campaign's victims from its roll-up rows (address, first time), in key
 * order: with several indicators sighted, one victim per address, first seen
 * at its earliest.
 */
export function mergeVictims(src: string[], first: (number | null)[], indicators: number): { src: string[]; firstTs: (number | null)[] } {
  if (indicators <= 1) return { src, firstTs: first };
  const at = new Map<string, number>();
  const out = { src: [] as string[], firstTs: [] as (number | null)[] };
  for (let i = 0; i < src.length; i++) {
    const k = at.get(src[i]!);
    if (k === undefined) { at.set(src[i]!, out.src.length); out.src.push(src[i]!); out.firstTs.push(first[i]!); continue; }
    const f = first[i]!;
    if (f !== null && (out.firstTs[k] === null || f < out.firstTs[k]!)) out.firstTs[k] = f;
  }
  return out;
}

/** One SourceActivity per (source host, kind) from rollup_src rows (indicator, src, kind, first, last, sightings). */
export function mergeSources(rows: Iterable<[number, string, string, number | null, number | null, number]>): SourceActivity[] {
  const bySource = new Map<string, SourceActivity>();
  for (const [id, src, kind, first, last, n] of rows) {
    const key = kind === '' ? src : `${kind}\u0000${src}`;
    const a = bySource.get(key);
    if (a === undefined) {
      bySource.set(key, { src, kind, firstTs: first === null ? null : Number(first), lastTs: last === null ? null : Number(last), sightings: Number(n), indicatorIds: [Number(id)] });
      continue;
    }
    if (first !== null && (a.firstTs === null || Number(first) < a.firstTs)) a.firstTs = Number(first);
    if (last !== null && (a.lastTs === null || Number(last) > a.lastTs)) a.lastTs = Number(last);
    a.sightings += Number(n);
    a.indicatorIds.push(Number(id));
  }
  const sources = [...bySource.values()];
  for (const s of sources) if (s.indicatorIds.length > 1) s.indicatorIds.sort((x, y) => x - y);
  return sources;
}

/**
 * Every other campaign sharing victims or indicators with one campaign:
 * `mine` its victims, `theirs` (other campaign, victim) pairs of every other
 * campaign, `shared` (other campaign, type, value) of indicators both hold.
 */
export function overlapOf(mine: Set<string>, theirs: Iterable<[string, string]>, shared: Iterable<[string, string, string]>): CampaignOverlap[] {
  const out = new Map<string, CampaignOverlap>();
  const entry = (other: string): CampaignOverlap => {
    let e = out.get(other);
    if (!e) { e = { campaign: other, sharedVictims: [], sharedIndicators: [] }; out.set(other, e); }
    return e;
  };
  const seen = new Set<string>();
  for (const [other, src] of theirs) {
    if (!mine.has(src)) continue;
    const key = `${other}\u0000${src}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entry(other).sharedVictims.push(src);
  }
  for (const [other, type, value] of shared) entry(other).sharedIndicators.push(`${type}:${shownValue(type, value)}`);
  for (const e of out.values()) {
    e.sharedVictims.sort();
    e.sharedIndicators = [...new Set(e.sharedIndicators)].sort();
  }
  return [...out.values()].sort((a, b) => b.sharedVictims.length - a.sharedVictims.length
    || b.sharedIndicators.length - a.sharedIndicators.length || (a.campaign < b.campaign ? -1 : a.campaign > b.campaign ? 1 : 0));
}

/** The host-identifier parameters from each campaign's JSON list: `hostid` first, lower-cased, distinct. */
export function hostIdParamList(lists: readonly unknown[]): string[] {
  const out = new Set<string>(['hostid']);
  for (const v of lists) for (const p of stringList(v)) out.add(p.toLowerCase());
  return [...out];
}

/** A campaign's host-identifier parameters as stored: trimmed, lower-cased, distinct; JSON, or null for none. */
export function hostIdParamsJson(params: readonly string[]): string | null {
  const list = [...new Set(params.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))];
  return list.length ? JSON.stringify(list) : null;
}

/** beginImport, add, commit: `addIndicators` on any store (a failed add rolls the writer back). */
export async function addIndicatorsWith(begin: () => Promise<IndicatorWriter>, batch: readonly IndicatorInput[]): Promise<ImportCounts> {
  const w = await begin();
  try {
    await w.add(batch);
  } catch (e) {
    await w.rollback();
    throw e;
  }
  return w.commit();
}

/**
 * An indicator writer's own numbers for the campaigns (case-insensitive),
 * sources and rule files its rows name, given case ids at commit; and
 * whether every row named the first row's campaign and source (most files
 * do: their references are then the sorted keys themselves).
 */
export class ImportNumbering {
  readonly campaigns = new Map<string, { local: number; name: string }>();
  readonly sources = new Map<string, number>();
  readonly rules = new Map<string, { local: number; name: string; text: string }>();
  first: { campaign: string; source: string } | null = null;
  onePair = true;

  /** The last row's campaign and source names and their numbers (rows come in runs naming the same pair). */
  private last: { campaign: string; source: string; c: number; s: number } | null = null;

  /** The local numbers of one row: [rule or null, campaign, source]. */
  row(i: IndicatorInput): [number | null, number, number] {
    const rule = i.ruleSource !== undefined ? this.rule(i.source, i.ruleSource) : null;
    const last = this.last;
    if (last !== null && last.campaign === i.campaign && last.source === i.source) return [rule, last.c, last.s];
    const c = this.campaign(i.campaign);
    const s = this.source(i.source);
    this.last = { campaign: i.campaign, source: i.source, c, s };
    if (this.first === null) this.first = { campaign: i.campaign, source: i.source };
    else if (this.onePair && (this.campaigns.get(this.first.campaign.toLowerCase())!.local !== c || this.sources.get(this.first.source) !== s)) this.onePair = false;
    return [rule, c, s];
  }

  private campaign(name: string): number {
    const key = name.toLowerCase();
    let c = this.campaigns.get(key);
    if (!c) { c = { local: this.campaigns.size, name }; this.campaigns.set(key, c); }
    return c.local;
  }

  private source(name: string): number {
    let l = this.sources.get(name);
    if (l === undefined) { l = this.sources.size; this.sources.set(name, l); }
    return l;
  }

  private rule(name: string, text: string): number {
    const sha = createHash('sha256').update(text).digest('hex');
    let r = this.rules.get(sha);
    if (!r) { r = { local: this.rules.size, name, text }; this.rules.set(sha, r); }
    return r.local;
  }
}

/**
 * A page of a hunt's indicators from (id, type, value, campaign id) rows in
 * id order: campaign ids named in JS, and indicators with the same campaigns
 * sharing one array (`shared`, kept across pages: a hunt holds them all).
 */
export function huntPage(rows: readonly (readonly [number, string, string, number])[], names: Map<number, string>, shared: Map<string, string[]>): HuntIndicator[] {
  const page: HuntIndicator[] = [];
  let i = 0;
  while (i < rows.length) {
    const [id, type, value, first] = rows[i]!;
    let campaigns: string[];
    if (i + 1 >= rows.length || rows[i + 1]![0] !== id) {
      // The common case: one campaign (and one source) per indicator.
      const name = names.get(Number(first)) ?? '';
      campaigns = shared.get(name) ?? [name];
      shared.set(name, campaigns);
      i++;
    } else {
      const set = new Set<string>();
      for (; i < rows.length && rows[i]![0] === id; i++) set.add(names.get(Number(rows[i]![3])) ?? '');
      const list = [...set].sort();
      const key = list.join('\0');
      campaigns = shared.get(key) ?? list;
      shared.set(key, campaigns);
    }
    page.push({ id: Number(id), type: type as IndicatorType, value, campaigns });
  }
  return page;
}
