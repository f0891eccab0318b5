/**
 * Sinkhole hunts (`hunt --sinkhole CAMPAIGN`): researchers who took over a
 * campaign's C2 domain count its victims from the sinkhole web server's log.
 * Every request in a web access log is that campaign's beacon from the
 * client (`sinkhole.request`), except requests from well-known crawlers
 * (`sinkhole.crawler`) and research scanners (`sinkhole.scanner`), which are
 * recorded but counted apart from victims. The lists of crawlers and
 * scanners ship as data/sinkhole-exclusions.json; the user extends them with
 * files of the same shape (`--exclusions FILE`).
 *
 * A sinkhole's sightings point at the campaign's `sinkhole` indicator (its
 * value: the campaign's name, lower-cased), made here through the case's
 * normal import path before the hunt.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeCidr, normalizeIp } from '../core/normalize.js';
import { accessRecordUrl, WebAccessRecordReader, type AccessRecord, type LineReader } from '../evidence/index.js';
import { IndicatorIndex, type IndexEntry } from '../matching/index.js';
import type { HuntSelection, Store } from '../store/store.js';
import { hostIdFromUrl, type RawSighting } from './match.js';

/** The format family of a sinkhole pass (its evidence format is `web-access`). */
export const SINKHOLE_FAMILY = 'sinkhole';
/** The sightings' fields: a beacon, and the two kinds of clients counted apart (store/rollup.ts). */
export const SINKHOLE_FIELDS = { request: 'sinkhole.request', crawler: 'sinkhole.crawler', scanner: 'sinkhole.scanner' } as const;
export type SinkholeField = (typeof SINKHOLE_FIELDS)[keyof typeof SINKHOLE_FIELDS];
/** The source named on a sinkhole indicator (`intel list`). */
export const SINKHOLE_SOURCE = 'sinkhole';

/** Largest exclusions file read. */
const MAX_EXCLUSIONS_BYTES = 16 * 1024 * 1024;
/** Longest pattern accepted. */
const MAX_PATTERN_CHARS = 4096;
/** A user agent is tested on its first this-many characters (it is attacker controlled). */
const MAX_USER_AGENT_CHARS = 1024;
/** User agents remembered with their verdict (a sinkhole sees few distinct ones: an implant's is fixed). */
const USER_AGENT_CACHE = 16384;
/** A request line's method: upper-case letters (anything else, like `-` or TLS bytes logged as `\x16\x03`, is no HTTP request). */
const METHOD_RE = /^[A-Z]{1,32}$/;

/** A crawler: its user agent matches `pattern` (a regular expression, case-insensitive). */
export interface CrawlerExclusion { name: string; pattern: string; source?: string }
/** A research scanner: its client address is in `cidrs`, or its user agent matches `pattern`. */
export interface ScannerExclusion { name: string; cidrs: string[]; pattern?: string; source?: string }
/** The shape of data/sinkhole-exclusions.json and of `--exclusions` files. */
export interface SinkholeExclusions { crawlers: CrawlerExclusion[]; scanners: ScannerExclusion[] }

/** A bad exclusions file: the message is `path: reason`. */
export class ExclusionsError extends Error {}

/** The shipped lists (`data/`, two levels above src/hunt/ and dist/hunt/). */
export function defaultExclusionsPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'sinkhole-exclusions.json');
}

/** Reads and checks one exclusions file; throws ExclusionsError (`path: reason`). */
export function readExclusionsFile(path: string): SinkholeExclusions {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ExclusionsError(`${path}: not a file`);
    if (st.size > MAX_EXCLUSIONS_BYTES) throw new ExclusionsError(`${path}: ${st.size} bytes, over the ${MAX_EXCLUSIONS_BYTES}-byte limit for an exclusions file`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ExclusionsError) throw e;
    throw new ExclusionsError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ExclusionsError(`${path}: not JSON (${(e as Error).message})`);
  }
  return parseExclusions(data, path);
}

/** Checks parsed JSON against the exclusions shape; throws ExclusionsError naming the path and the offending entry. */
export function parseExclusions(data: unknown, path: string): SinkholeExclusions {
  const fail = (where: string, reason: string): never => { throw new ExclusionsError(`${path}: ${where ? `${where}: ` : ''}${reason}`); };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('', 'not an exclusions file: expected {"crawlers": [...], "scanners": [...]}');
  const top = data as Record<string, unknown>;
  onlyKeys(top, ['crawlers', 'scanners', 'comment'], '', fail);
  if (top['crawlers'] === undefined && top['scanners'] === undefined) fail('', 'no "crawlers" and no "scanners": nothing to exclude');
  const list = (key: string): Record<string, unknown>[] => {
    const v = top[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail(key, 'not an array');
    return v.map((e, i) => (e !== null && typeof e === 'object' && !Array.isArray(e) ? e as Record<string, unknown> : fail(`${key}[${i}]`, 'not an object')));
  };
  const crawlers = list('crawlers').map((e, i): CrawlerExclusion => {
    const where = `crawlers[${i}]`;
    onlyKeys(e, ['name', 'pattern', 'source'], where, fail);
    const out: CrawlerExclusion = { name: text(e, 'name', where, fail), pattern: pattern(e['pattern'], `${where}.pattern`, fail) };
    if (e['source'] !== undefined) out.source = text(e, 'source', where, fail);
    return out;
  });
  const scanners = list('scanners').map((e, i): ScannerExclusion => {
    const where = `scanners[${i}]`;
    onlyKeys(e, ['name', 'cidrs', 'pattern', 'source'], where, fail);
    const raw = e['cidrs'] ?? [];
    if (!Array.isArray(raw)) fail(`${where}.cidrs`, 'not an array');
    const cidrs = (raw as unknown[]).map((c, j) => network(c, `${where}.cidrs[${j}]`, fail));
    const out: ScannerExclusion = { name: text(e, 'name', where, fail), cidrs };
    if (e['pattern'] !== undefined) out.pattern = pattern(e['pattern'], `${where}.pattern`, fail);
    if (e['source'] !== undefined) out.source = text(e, 'source', where, fail);
    if (cidrs.length === 0 && out.pattern === undefined) fail(where, 'neither "cidrs" nor "pattern": it would exclude nothing');
    return out;
  });
  return { crawlers, scanners };
}

type Fail = (where: string, reason: string) => never;

function onlyKeys(o: Record<string, unknown>, keys: readonly string[], where: string, fail: Fail): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where, `unknown key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
}

function text(o: Record<string, unknown>, key: string, where: string, fail: Fail): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') return fail(`${where}.${key}`, 'missing or not a non-empty string');
  return v;
}

function pattern(v: unknown, where: string, fail: Fail): string {
  if (typeof v !== 'string' || v === '') return fail(where, 'missing or not a non-empty string');
  if (v.length > MAX_PATTERN_CHARS) return fail(where, `longer than ${MAX_PATTERN_CHARS} characters`);
  try {
    new RegExp(v, 'i');
  } catch (e) {
    return fail(where, `not a regular expression (${(e as Error).message})`);
  }
  return v;
}

/** An address or CIDR in normal form; a CIDR with host bits set is refused (it is a typo more often than not). */
function network(v: unknown, where: string, fail: Fail): string {
  if (typeof v !== 'string') return fail(where, 'not a string');
  const t = v.trim();
  if (t.indexOf('/') < 0) {
    const ip = normalizeIp(t);
    return ip === null ? fail(where, `${JSON.stringify(v)} is not an IPv4 or IPv6 address or CIDR`) : ip.value;
  }
  const c = normalizeCidr(t);
  if (c === null) return fail(where, `${JSON.stringify(v)} is not an IPv4 or IPv6 address or CIDR`);
  const given = normalizeIp(t.slice(0, t.indexOf('/')))?.value;
  const net = c.type === 'cidr' ? c.value.slice(0, c.value.indexOf('/')) : c.value;
  if (given !== net) fail(where, `${JSON.stringify(v)} has host bits set (the network is ${c.value})`);
  return c.value;
}

/** An address or CIDR as an index entry's type and value, or null. */
function addressEntry(c: string): Pick<IndexEntry, 'type' | 'value'> | null {
  if (c.indexOf('/') >= 0) return normalizeCidr(c);
  const ip = normalizeIp(c);
  return ip === null ? null : { type: ip.family === 4 ? 'ipv4' : 'ipv6', value: ip.value };
}

/** The shipped lists followed by each extra file's, in order. */
export function loadExclusions(extra: readonly string[] = [], shipped: string = defaultExclusionsPath()): SinkholeExclusions {
  const all = [shipped, ...extra].map(readExclusionsFile);
  return { crawlers: all.flatMap((x) => x.crawlers), scanners: all.flatMap((x) => x.scanners) };
}

/**
 * Tells a sinkhole's beacons from its crawlers and scanners: a client
 * address in a scanner's networks, or a user agent matching a scanner's
 * pattern, is a scanner; a user agent matching a crawler's pattern, a
 * crawler; anything else a beacon.
 */
export class SinkholeClassifier {
  private readonly networks: IndicatorIndex;
  private readonly scannerAgents: RegExp[];
  private readonly crawlerAgents: RegExp[];
  private readonly agents = new Map<string, SinkholeField>();
  private readonly ids: number[] = [];

  constructor(x: SinkholeExclusions) {
    const entries: IndexEntry[] = [];
    x.scanners.forEach((s, i) => {
      for (const c of s.cidrs) {
        const n = addressEntry(c);
        if (n) entries.push({ id: i, ...n });
      }
    });
    // matching/'s address index: exact addresses and CIDRs of both families, IPv4-mapped IPv6 clients included.
    this.networks = IndicatorIndex.build(entries);
    this.scannerAgents = x.scanners.flatMap((s) => (s.pattern === undefined ? [] : [new RegExp(s.pattern, 'i')]));
    this.crawlerAgents = x.crawlers.map((c) => new RegExp(c.pattern, 'i'));
  }

  /** The field a request from `client` with `userAgent` is recorded under. */
  classify(client: string, userAgent: string | null): SinkholeField {
    if (this.networks.size !== 0) {
      if (this.ids.length !== 0) this.ids.length = 0;
      if (this.networks.match('ip', client, this.ids) !== 0) return SINKHOLE_FIELDS.scanner;
    }
    if (userAgent === null || userAgent === '' || userAgent === '-') return SINKHOLE_FIELDS.request;
    let field = this.agents.get(userAgent);
    if (field === undefined) {
      const ua = userAgent.length > MAX_USER_AGENT_CHARS ? userAgent.slice(0, MAX_USER_AGENT_CHARS) : userAgent;
      field = this.scannerAgents.some((r) => r.test(ua)) ? SINKHOLE_FIELDS.scanner
        : this.crawlerAgents.some((r) => r.test(ua)) ? SINKHOLE_FIELDS.crawler : SINKHOLE_FIELDS.request;
      if (this.agents.size >= USER_AGENT_CACHE) this.agents.clear();
      this.agents.set(userAgent, field);
    }
    return field;
  }
}

/** What a sinkhole pass needs, as plain data (it crosses to worker threads with each range). */
export interface SinkholeSetup {
  /** The campaign's `sinkhole` indicator. */
  indicatorId: number;
  exclusions: SinkholeExclusions;
}

/**
 * The sighting one access log record makes on a sinkhole, or null when the
 * record is no HTTP request (`"-"`: a connection that sent none; bytes that
 * are no request line). `matched` is the URL (absolute when the virtual host
 * is known), else the target as logged; `dst` the virtual host.
 */
export function sinkholeSighting(
  r: AccessRecord, line: number, indicatorId: number, classifier: SinkholeClassifier, hostIdParams: readonly string[],
): RawSighting | null {
  if (r.target === undefined || r.target === '' || !METHOD_RE.test(r.method)) return null;
  const matched = accessRecordUrl(r) ?? r.target;
  const s: RawSighting = {
    indicatorId, matched, field: classifier.classify(r.src, r.userAgent), ts: r.ts, src: r.src, dst: r.vhost ? r.vhost.host : null, line,
  };
  const hostId = hostIdFromUrl(matched, hostIdParams);
  if (hostId !== undefined) s.hostId = hostId;
  return s;
}

/** A line reader of a sinkhole's access log: each request becomes a sighting handed to `emit`. */
export function createSinkholeReader(
  displayPath: string, setup: SinkholeSetup, hostIdParams: readonly string[], emit: (s: RawSighting) => void,
): LineReader {
  const classifier = new SinkholeClassifier(setup.exclusions);
  return new WebAccessRecordReader(displayPath, (r, line) => {
    const s = sinkholeSighting(r, line, setup.indicatorId, classifier, hostIdParams);
    if (s !== null) emit(s);
  });
}

/** What a sinkhole hunt starts from. */
export interface PreparedSinkhole {
  /** The campaign's canonical name. */
  campaign: string;
  selection: HuntSelection;
  setup: SinkholeSetup;
}

/**
 * Makes sure the case holds the campaign (creating it, said in a notice,
 * when it does not) and its `sinkhole` indicator (imported through the
 * case's normal import path), and reads the exclusions (ExclusionsError for
 * a bad file). The selection is the campaign's, at the generation that
 * includes the indicator: a second sinkhole hunt of the same file adds nothing.
 */
export async function prepareSinkhole(
  store: Store, campaign: string, opts: { exclusions?: readonly string[]; includeWarninglisted?: boolean; onNotice?: (m: string) => void },
): Promise<PreparedSinkhole> {
  const exclusions = loadExclusions(opts.exclusions ?? []);
  const asked = campaign.trim();
  if (asked === '') throw new Error('--sinkhole needs a campaign name');
  const known = await store.resolveCampaign(asked);
  const name = known ?? asked;
  const value = name.toLowerCase();
  if (!await hasSinkhole(store, name, value)) {
    const writer = await store.beginImport();
    try {
      if (known === null) await writer.addCampaigns([{ name, aliases: [] }]);
      await writer.add([{ type: 'sinkhole', value, campaign: name, source: SINKHOLE_SOURCE, warninglist: null }]);
      await writer.commit();
    } catch (e) {
      await writer.rollback();
      throw e;
    }
    if (known === null) {
      opts.onNotice?.(`no campaign named ${JSON.stringify(asked)} in the case ${store.location}: created it for this sinkhole hunt`);
    }
  }
  const gen = await store.currentGeneration();
  let indicatorId: number | undefined;
  for await (const page of store.huntIndicators({ campaign: name, includeWarninglisted: true, gen })) {
    indicatorId = page.find((h) => h.type === 'sinkhole' && h.value === value)?.id;
    if (indicatorId !== undefined) break;
  }
  if (indicatorId === undefined) throw new Error(`the sinkhole indicator of campaign ${JSON.stringify(name)} is missing from the case after it was added`);
  return {
    campaign: name,
    selection: { campaign: name, includeWarninglisted: opts.includeWarninglisted ?? false, gen },
    setup: { indicatorId, exclusions },
  };
}

async function hasSinkhole(store: Store, campaign: string, value: string): Promise<boolean> {
  for await (const i of store.listIndicators({ campaign, type: 'sinkhole' })) if (i.value === value) return true;
  return false;
}
