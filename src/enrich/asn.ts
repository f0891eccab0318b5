/**
 * Offline AS number and organisation of an address, from ip-location-db's
 * ASN CSVs (`@ip-location-db/asn`: RouteViews, the five RIRs via NRO, and
 * DB-IP's IP to ASN Lite, all CC BY 4.0: ASN_CREDITS must be shown with
 * results). docs/design.md, "Enrichment".
 *
 * Each family's ranges sit in sorted typed arrays (asn-csv.ts); a look-up
 * is one binary search. The IPv4 table is loaded when the database is
 * opened, the IPv6 one when an IPv6 address is first asked about. Each is
 * read from the binary cache (asn-cache.ts) when a valid one exists, else
 * parsed from the CSV and cached for next time.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAsnCsvV4, parseAsnCsvV6, type AsnTable } from './asn-csv.js';
import { readAsnCache, writeAsnCache, type CachedTable } from './asn-cache.js';
import { isPublicIPv4, isPublicIPv6, parseAddress, type ParsedAddress } from './address.js';

/** Largest ASN CSV read (the IPv4 one is some 21 MB). */
export const MAX_ASN_CSV_BYTES = 512 * 1024 * 1024;

/** RouteViews', NRO's and DB-IP's attributions, required by their CC BY 4.0 licences wherever the ASN data is used. */
export const ASN_CREDITS =
  'AS numbers and organisations from ip-location-db\'s asn database: RouteViews (https://www.routeviews.org), ' +
  'the Number Resource Organization (https://www.nro.net) and DB-IP\'s IP to ASN Lite (https://db-ip.com), ' +
  'each licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).';

/** An address's autonomous system. */
export interface AsnRecord {
  /** The AS number. */
  asn: number;
  /** The organisation the AS is registered to, as the data writes it. */
  organisation: string;
}

/** How one family's table was loaded. */
export interface AsnTableInfo {
  /** Ranges in the table. */
  ranges: number;
  /** Distinct AS numbers. */
  organisations: number;
  /** CSV lines that did not parse. */
  skipped: number;
  /** Ranges cut short because the next one started inside them. */
  clipped: number;
  /** Where the table came from. */
  from: 'cache' | 'csv';
  /** Milliseconds spent loading it. */
  ms: number;
  /** Why the cache was not read (absent: `ENOENT`; refused: the reason), when the table came from the CSV. */
  cacheMiss: string | null;
  /** Why the cache could not be written, if it could not. */
  cacheWriteError: string | null;
}

/** AS look-ups. */
export interface AsnDb {
  /** The AS of a public address; null for no address, a special-purpose one, or one in no range. */
  lookup(ip: string): AsnRecord | null;
  /** The same for an address already parsed (parseAddress). */
  lookupAddress(a: ParsedAddress): AsnRecord | null;
  /** How each family's table was loaded; null for one not loaded yet. */
  info(): { ipv4: AsnTableInfo | null; ipv6: AsnTableInfo | null };
  /** The attribution to show with results. */
  readonly credits: string;
}

export interface AsnOptions {
  /** The folder holding `asn-ipv4-num.csv` and `asn-ipv6.csv`; default: the `@ip-location-db/asn` package. */
  dataDir?: string;
  /** The cache folder; null for no cache. Default: `$XDG_CACHE_HOME/sightline`, else `~/.cache/sightline`. */
  cacheDir?: string | null;
}

/** The default cache folder (read from the environment when called, not at import). */
export function defaultCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'sightline');
}

/** Opens the ASN database. Rejects with `path: reason` when the IPv4 CSV cannot be read. */
export async function openAsn(opts: AsnOptions = {}): Promise<AsnDb> {
  let dataDir = opts.dataDir;
  let version = 'local';
  if (dataDir === undefined) {
    const pkg = createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json');
    dataDir = dirname(pkg);
    version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version as string;
  }
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir;
  const db = new CsvAsnDb(
    { csv: join(dataDir, 'asn-ipv4-num.csv'), parse: parseAsnCsvV4, name: 'ipv4', version, cacheDir },
    { csv: join(dataDir, 'asn-ipv6.csv'), parse: parseAsnCsvV6, name: 'ipv6', version, cacheDir },
  );
  db.loadV4();
  return db;
}

interface Source {
  csv: string;
  parse: (data: Buffer) => AsnTable;
  name: string;
  version: string;
  cacheDir: string | null;
}

/** Buckets of the first-level index: one per value of an address's top 16 bits. */
const BUCKETS = 65536;

/** One family's loaded table. */
class Loaded {
  private readonly records: (AsnRecord | undefined)[];
  /**
   * `first[h]`: how many ranges start below the address whose top 16 bits
   * are h (and the rest zero). The range holding an address with top bits h
   * is then among ranges [first[h] - 1, first[h + 1]): a binary search over
   * a few entries instead of 19 steps across the whole table, most of them
   * cache misses.
   */
  private readonly first = new Uint32Array(BUCKETS + 1);

  /**
   * `names` holds the organisation names already split (from the CSV), or is
   * empty and they are cut from `nameText` at `nameEnds` when first needed
   * (from the cache).
   */
  constructor(
    readonly t: Omit<AsnTable, 'names'>,
    private readonly names: (string | undefined)[],
    private readonly nameText: string,
    private readonly nameEnds: Uint32Array,
    readonly info: AsnTableInfo,
  ) {
    this.records = new Array<AsnRecord | undefined>(t.asns.length);
    const { starts, count, words } = t;
    let i = 0;
    for (let h = 0; h <= BUCKETS; h++) {
      while (i < count && h < BUCKETS && starts[i * words]! >>> 16 < h) i++;
      this.first[h] = h < BUCKETS ? i : count;
    }
  }

  /** The record of organisation index i, built once. */
  record(i: number): AsnRecord {
    let r = this.records[i];
    if (r === undefined) {
      const organisation = this.names[i] ?? this.nameText.slice(i === 0 ? 0 : this.nameEnds[i - 1], this.nameEnds[i]);
      r = Object.freeze({ asn: this.t.asns[i]!, organisation });
      this.records[i] = r;
    }
    return r;
  }

  /** The range holding the IPv4 address n, as a record, or null. */
  lookupV4(n: number): AsnRecord | null {
    const { starts, ends, orgs } = this.t;
    const h = n >>> 16;
    // The last range starting at or before n.
    let lo = this.first[h]!, hi = this.first[h + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= n) lo = mid + 1; else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && ends[i]! >= n ? this.record(orgs[i]!) : null;
  }

  /** The range holding the IPv6 address w (4 words), as a record, or null. */
  lookupV6(w: Uint32Array): AsnRecord | null {
    const { starts, ends, orgs } = this.t;
    const h = w[0]! >>> 16;
    let lo = this.first[h]!, hi = this.first[h + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp4(starts, mid * 4, w) <= 0) lo = mid + 1; else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && cmp4(ends, i * 4, w) >= 0 ? this.record(orgs[i]!) : null;
  }
}

function cmp4(a: Uint32Array, at: number, w: Uint32Array): number {
  for (let k = 0; k < 4; k++) {
    const x = a[at + k]!, y = w[k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Loads one family's table: from the cache when valid, else from the CSV (then caching it). Throws `path: reason` when the CSV is unreadable. */
function load(src: Source): Loaded {
  const t0 = performance.now();
  let size: number;
  try {
    const st = statSync(src.csv);
    if (!st.isFile()) throw Object.assign(new Error(), { code: 'not a regular file' });
    size = st.size;
  } catch (e) {
    throw new Error(`${src.csv}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_ASN_CSV_BYTES) throw new Error(`${src.csv}: larger than ${MAX_ASN_CSV_BYTES} bytes`);
  // The key ties a cache file to the data it was built from.
  const key = `@ip-location-db/asn@${src.version} ${src.name} ${size}`;
  const cachePath = src.cacheDir === null ? null : join(src.cacheDir, `asn-${src.name}-${src.version.replace(/[^A-Za-z0-9.-]/g, '_')}.bin`);
  let cacheMiss = 'no cache';
  if (cachePath !== null) {
    const c: CachedTable | string = readAsnCache(cachePath, key);
    if (typeof c !== 'string') {
      const info = makeInfo(c.table, c.nameEnds.length, 'cache', t0, null, null);
      return new Loaded(c.table, [], c.nameText, c.nameEnds, info);
    }
    cacheMiss = c;
  }
  let data: Buffer;
  try {
    data = readFileSync(src.csv);
  } catch (e) {
    throw new Error(`${src.csv}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const table = src.parse(data);
  const writeError = cachePath === null ? null : writeAsnCache(cachePath, table, key);
  return new Loaded(table, table.names, '', new Uint32Array(0), makeInfo(table, table.names.length, 'csv', t0, cacheMiss, writeError));
}

function makeInfo(t: Omit<AsnTable, 'names'>, orgs: number, from: 'cache' | 'csv', t0: number, miss: string | null, writeError: string | null): AsnTableInfo {
  return {
    ranges: t.count, organisations: orgs, skipped: t.skipped, clipped: t.clipped, from,
    ms: Math.round((performance.now() - t0) * 10) / 10, cacheMiss: miss, cacheWriteError: writeError,
  };
}

class CsvAsnDb implements AsnDb {
  readonly credits = ASN_CREDITS;
  private v4: Loaded | null = null;
  private v6: Loaded | null = null;

  constructor(private readonly src4: Source, private readonly src6: Source) {}

  loadV4(): void {
    this.v4 ??= load(this.src4);
  }

  lookup(ip: string): AsnRecord | null {
    const a = parseAddress(ip);
    return a === null ? null : this.lookupAddress(a);
  }

  lookupAddress(a: ParsedAddress): AsnRecord | null {
    if (a.family === 4) {
      if (!isPublicIPv4(a.v4)) return null;
      this.v4 ??= load(this.src4);
      return this.v4.lookupV4(a.v4);
    }
    if (!isPublicIPv6(a.v6)) return null;
    this.v6 ??= load(this.src6);
    return this.v6.lookupV6(a.v6);
  }

  info(): { ipv4: AsnTableInfo | null; ipv6: AsnTableInfo | null } {
    return { ipv4: this.v4?.info ?? null, ipv6: this.v6?.info ?? null };
  }
}
