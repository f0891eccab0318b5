/**
 * The asset directory: what an organisation knows about its own (and its
 * partners') hosts, which overrides what geolocation and the ASN data guess
 * (docs/design.md, "Enrichment").
 *
 * Read from CSV (RFC 4180, through intel's record splitter) with a header
 * naming the columns `address,organisation,sector,country` (any order, any
 * case; `organization` also accepted; other columns ignored; a UTF-8 BOM
 * ignored). Each row's address is an IP address, a CIDR or a host name.
 * A bad row is a `path:line: reason` diagnostic; the other rows are kept.
 */
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { normalizeCidr, normalizeDomain, normalizeIp } from '../core/normalize.js';
import { readCsvRecord } from '../intel/ioc-list/csv-record.js';
import { AddressSetBuilder, type AddressSet } from '../matching/address-index.js';
import { addressText, parseAddress, type ParsedAddress } from './address.js';
import { canonicalRegion, isCountryCode } from './countries.js';

/** Longest field kept (characters); a longer one makes its row bad. */
export const MAX_ASSET_FIELD_CHARS = 1024;

/** One entry of the asset directory. */
export interface Asset {
  /** Canonical form: an address (RFC 5952 for IPv6), a CIDR with host bits cleared, or a lower-case host name (IDN as punycode, no trailing dot). */
  address: string;
  kind: 'ip' | 'cidr' | 'host';
  /** As written, trimmed; null when empty. */
  organisation: string | null;
  /** Lower-cased and trimmed, as written otherwise (not checked against the known sectors); null when empty. */
  sector: string | null;
  /** Upper-case ISO 3166-1 alpha-2 code (checked); null when empty. */
  country: string | null;
}

const COLUMNS: Record<string, keyof Omit<Asset, 'kind'>> = {
  address: 'address',
  organisation: 'organisation',
  organization: 'organisation',
  sector: 'sector',
  country: 'country',
};

/** An address column value read: the asset's kind and canonical address, or why it is none. */
export function readAssetAddress(raw: string): { kind: Asset['kind']; address: string } | { error: string } {
  const s = raw.trim();
  if (s === '') return { error: 'no address' };
  if (s.includes('/')) {
    const c = normalizeCidr(s);
    if (c === null) return { error: `${quoteForDiagnostic(s)} is not a CIDR` };
    return { kind: c.type === 'cidr' ? 'cidr' : 'ip', address: c.value };
  }
  const ip = normalizeIp(s);
  if (ip !== null) return { kind: 'ip', address: ip.value };
  // Digits and dots, or a colon, would have been an address: say so instead of taking it as a name.
  const host = /^[\d.]+$|:/.test(s) ? null : normalizeDomain(s);
  if (host === null || /(^|\.)\d+$/.test(host)) return { error: `${quoteForDiagnostic(s)} is not an IP address, CIDR or host name` };
  return { kind: 'host', address: host };
}

/** Parses an asset directory CSV: the good rows, and a diagnostic for each bad one. */
export function parseAssetCsv(text: string, path: string): { assets: Asset[]; diagnostics: Diagnostic[] } {
  const assets: Asset[] = [];
  const diagnostics: Diagnostic[] = [];
  const data = Buffer.from(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'utf8');
  let pos = 0;
  let line = 1;
  let columns: (keyof Omit<Asset, 'kind'> | null)[] | null = null;
  /** Where each address was first given, and its row. */
  const seen = new Map<string, { line: number; asset: Asset }>();
  while (pos < data.length) {
    const rec = readCsvRecord(data, pos);
    const at = line;
    pos = rec.next;
    line += rec.newlines + 1;
    if (rec.unterminated) {
      diagnostics.push(diag('bad-record', path, `unterminated quote${line - at > 1 ? ` (lines ${at}–${line - 1} not read)` : ''}`, { line: at }));
      continue;
    }
    if (rec.fields.every((f) => f.trim() === '')) continue;
    if (columns === null) {
      const names = rec.fields.map((f) => COLUMNS[f.trim().toLowerCase()] ?? null);
      // The first of a repeated column is the one read.
      columns = names.map((n, i) => (n !== null && names.indexOf(n) === i ? n : null));
      if (!columns.includes('address')) {
        diagnostics.push(diag('bad-record', path, 'no header: the first line must name the columns (address,organisation,sector,country)', { line: at }));
        return { assets, diagnostics };
      }
      continue;
    }
    const row: Partial<Record<keyof Omit<Asset, 'kind'>, string>> = {};
    let tooLong: string | null = null;
    columns.forEach((c, i) => {
      if (c === null) return;
      const v = rec.fields[i] ?? '';
      if (v.length > MAX_ASSET_FIELD_CHARS && tooLong === null) tooLong = c;
      row[c] = v;
    });
    if (tooLong !== null) {
      diagnostics.push(diag('too-large', path, `${tooLong} longer than ${MAX_ASSET_FIELD_CHARS} characters`, { line: at }));
      continue;
    }
    const addr = readAssetAddress(row.address ?? '');
    if ('error' in addr) {
      diagnostics.push(diag('bad-record', path, addr.error, { line: at }));
      continue;
    }
    const country = (row.country ?? '').trim().toUpperCase();
    if (country !== '' && !isCountryCode(country)) {
      const instead = canonicalRegion(country);
      const hint = instead !== country && isCountryCode(instead) ? ` (${instead} is)` : '';
      diagnostics.push(diag('bad-record', path, `country ${quoteForDiagnostic(row.country!.trim())} is not an ISO 3166-1 alpha-2 code${hint}`, { line: at }));
      continue;
    }
    const organisation = (row.organisation ?? '').trim();
    const sector = (row.sector ?? '').trim().toLowerCase();
    const asset: Asset = {
      address: addr.address,
      kind: addr.kind,
      organisation: organisation === '' ? null : organisation,
      sector: sector === '' ? null : sector,
      country: country === '' ? null : country,
    };
    const key = assetKey(asset);
    const first = seen.get(key);
    if (first !== undefined) {
      const same = first.asset.organisation === asset.organisation && first.asset.sector === asset.sector && first.asset.country === asset.country;
      diagnostics.push(same
        ? diag('duplicate', path, `${asset.address} repeats line ${first.line}`, { line: at })
        : diag('bad-record', path, `${asset.address} was given other details at line ${first.line}, which are kept`, { line: at }));
      continue;
    }
    seen.set(key, { line: at, asset });
    assets.push(asset);
  }
  if (columns === null && diagnostics.length === 0) diagnostics.push(diag('bad-record', path, 'empty: no header naming the columns (address,organisation,sector,country)', { line: 1 }));
  return { assets, diagnostics };
}

/** What identifies an asset's address: an IPv4-mapped IPv6 address is its IPv4 address. */
function assetKey(a: Asset): string {
  if (a.kind === 'ip') {
    const p = parseAddress(a.address);
    if (p !== null && p.family === 4) return `4:${p.v4}`;
  }
  return `${a.kind}:${a.address}`;
}

/**
 * Looks hosts up in a list of assets: an address by exact address (an
 * IPv4-mapped IPv6 address as its IPv4 address), then by the longest CIDR
 * holding it; a name by exact host name (case-insensitive, trailing dot
 * ignored). Where two assets name the same address, the first is kept.
 */
export class AssetDirectory {
  private readonly exact4 = new Map<number, Asset>();
  private readonly exact6 = new Map<string, Asset>();
  private readonly hosts = new Map<string, Asset>();
  private readonly nets: Asset[] = [];
  private readonly cidr4: AddressSet;
  private readonly cidr6: AddressSet;
  private readonly found: number[] = [];

  /** Throws a TypeError for an asset whose address does not read as its kind says. */
  constructor(assets: readonly Asset[]) {
    const b4 = new AddressSetBuilder(1);
    const b6 = new AddressSetBuilder(4);
    for (const a of assets) {
      const bad = (): never => { throw new TypeError(`asset ${JSON.stringify(a.address)} is no ${a.kind}`); };
      if (a.kind === 'host') {
        const h = normalizeDomain(a.address) ?? bad();
        if (!this.hosts.has(h)) this.hosts.set(h, a);
        continue;
      }
      const slash = a.address.indexOf('/');
      if (a.kind === 'ip' && slash >= 0) bad();
      const p = parseAddress(slash < 0 ? a.address : a.address.slice(0, slash)) ?? bad();
      if (a.kind === 'ip') {
        if (p.family === 4) { if (!this.exact4.has(p.v4)) this.exact4.set(p.v4, a); }
        else { const k = addressText(p); if (!this.exact6.has(k)) this.exact6.set(k, a); }
        continue;
      }
      if (slash < 0) bad();
      const lenText = a.address.slice(slash + 1);
      const len = /^\d{1,3}$/.test(lenText) ? Number(lenText) : -1;
      const id = this.nets.length;
      if (p.family === 4) {
        // An IPv4-mapped network (::ffff:a.b.c.d/len, len ≥ 96) is the IPv4 network /len-96.
        const mapped = a.address.includes(':');
        const l = mapped ? len - 96 : len;
        if (l < 0 || l > 32) bad();
        b4.add([p.v4], l, id);
      } else {
        if (len < 0 || len > 128) bad();
        b6.add(p.v6, len, id);
      }
      this.nets.push(a);
    }
    this.cidr4 = b4.finish();
    this.cidr6 = b6.finish();
  }

  /** The asset for a host (an address or a name), or null. */
  lookup(host: string): Asset | null {
    const p = parseAddress(host);
    return p !== null ? this.lookupAddress(p) : this.lookupHost(host);
  }

  /** The asset for an address already parsed (parseAddress): exact, else the longest CIDR holding it. */
  lookupAddress(p: ParsedAddress): Asset | null {
    const exact = p.family === 4 ? this.exact4.get(p.v4) : this.exact6.size > 0 ? this.exact6.get(addressText(p)) : undefined;
    if (exact !== undefined) return exact;
    const found = this.found;
    found.length = 0;
    // Pushed longest prefix first; among equal networks, the first given.
    if (p.family === 4) this.cidr4.lookupV4(p.v4, found); else this.cidr6.lookupV6(p.v6, found);
    return found.length > 0 ? this.nets[found[0]!]! : null;
  }

  /** The asset for a host name (case-insensitive, trailing dot ignored, IDN as punycode), or null. */
  lookupHost(name: string): Asset | null {
    if (this.hosts.size === 0) return null;
    const h = normalizeDomain(name);
    return h === null ? null : this.hosts.get(h) ?? null;
  }
}
