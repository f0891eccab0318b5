/**
 * MISP warninglists (CC0, MISP/misp-warninglists): lists of values that are
 * probably not malicious on their own. Matching follows MISP: `cidr` ranges
 * hold addresses, `hostname` entries match the name and its subdomains,
 * `string` entries match exactly (case-insensitive; an entry with a leading
 * dot, as in the google and microsoft lists, matches the name and its
 * subdomains), `substring` entries match anywhere; `regex` lists are not
 * evaluated (untrusted regular expressions).
 */
import type { IndicatorType } from '../../core/model.js';
import { normalizeCidr, parseIPv4, parseIPv6 } from '../../core/normalize.js';

/** Most entries read from one list. */
export const MAX_WARNINGLIST_ENTRIES = 5_000_000;

/** One MISP warninglist as read from its list.json. */
export interface WarninglistFile {
  name: string;
  type: 'hostname' | 'string' | 'cidr' | 'substring' | 'regex';
  list: string[];
}

const LIST_TYPES: ReadonlySet<string> = new Set(['hostname', 'string', 'cidr', 'substring', 'regex']);

/** Non-overlapping ranges of one list, sorted by start: IPv4 as numbers, IPv6 as 32-digit hex. */
interface RangeSet<T> { starts: T[]; ends: T[] }

/** A set of warninglists, checked in the order given. */
export class Warninglists {
  private readonly names: string[] = [];
  /** Host name (or exact string) → index of the first list holding it as a hostname entry. */
  private readonly hostnames = new Map<string, number>();
  /** The last two labels of every hostname entry: a name whose last two labels are not here matches no entry of two labels or more. */
  private readonly hostKeys = new Set<string>();
  /** Whether some hostname entry is a single label (a TLD). */
  private singleLabelHosts = false;
  /** Lower-cased exact string → index of the first list holding it. */
  private readonly strings = new Map<string, number>();
  private readonly v4: { list: number; ranges: RangeSet<number> }[] = [];
  private readonly v6: { list: number; ranges: RangeSet<string> }[] = [];
  private readonly substrings: { list: number; entries: string[] }[] = [];

  private constructor() {}

  /** Builds the lists from parsed list.json objects; malformed lists and entries are ignored. */
  static fromJson(lists: unknown[]): Warninglists {
    const w = new Warninglists();
    for (const l of lists) {
      if (!isWarninglistFile(l)) continue;
      w.add(l);
    }
    return w;
  }

  /** The names of the lists held, in order. */
  listNames(): string[] {
    return [...this.names];
  }

  /** The name of the first list the (already normalised) indicator is on, or null. */
  check(type: IndicatorType, value: string): string | null {
    let best = Infinity;
    // Normalised values are lower-case already, except a URL's path and query.
    const lower = type === 'url' || type === 'yara' ? value.toLowerCase() : value;
    const s = this.strings.get(lower);
    if (s !== undefined) best = s;
    switch (type) {
      case 'domain': { const h = this.checkHost(lower); if (h < best) best = h; break; }
      case 'url': {
        const host = hostOfUrl(lower);
        if (host !== null) best = Math.min(best, this.checkHost(host), this.strings.get(host) ?? Infinity);
        break;
      }
      case 'ipv4': {
        const n = parseDottedQuad(value);
        if (n !== null) best = Math.min(best, firstInRanges(this.v4, n, n));
        break;
      }
      case 'ipv6': {
        const g = parseIPv6(value);
        if (g !== null) { const h = hexOf(g); best = Math.min(best, firstInRanges(this.v6, h, h)); }
        break;
      }
      case 'cidr': best = Math.min(best, this.checkCidr(value)); break;
      default: break;
    }
    for (const sub of this.substrings) {
      if (sub.list >= best) break;
      if (sub.entries.some((e) => lower.includes(e))) { best = sub.list; break; }
    }
    return best === Infinity ? null : this.names[best] ?? null;
  }

  private checkHost(host: string): number {
    if (this.hostnames.size === 0) return Infinity;
    const last = host.lastIndexOf('.');
    if (last < 0) return this.hostnames.get(host) ?? Infinity;
    let best = this.singleLabelHosts ? this.hostnames.get(host.substring(last + 1)) ?? Infinity : Infinity;
    const prev = host.lastIndexOf('.', last - 1);
    // Fast miss: most names share their last two labels with no entry.
    if (!this.hostKeys.has(prev < 0 ? host : host.substring(prev + 1))) return best;
    let from = 0;
    for (;;) {
      const i = this.hostnames.get(from === 0 ? host : host.substring(from));
      if (i !== undefined && i < best) best = i;
      const dot = host.indexOf('.', from);
      if (dot < 0 || dot >= last) return best;
      from = dot + 1;
    }
  }

  private addHost(entry: string, idx: number): void {
    const h = cleanHost(entry);
    if (h === '') return;
    setFirst(this.hostnames, h, idx);
    const last = h.lastIndexOf('.');
    if (last < 0) { this.singleLabelHosts = true; return; }
    const prev = h.lastIndexOf('.', last - 1);
    this.hostKeys.add(prev < 0 ? h : h.substring(prev + 1));
  }

  private checkCidr(value: string): number {
    const slash = value.indexOf('/');
    const len = Number(value.slice(slash + 1));
    if (value.indexOf(':') < 0) {
      const n = parseIPv4(value.slice(0, slash));
      if (n === null) return Infinity;
      return firstInRanges(this.v4, n, lastOfV4Prefix(n, len));
    }
    const g = parseIPv6(value.slice(0, slash));
    if (g === null) return Infinity;
    return firstInRanges(this.v6, hexOf(g), hexOf(lastOfPrefix(g, len)));
  }

  private add(l: WarninglistFile): void {
    const idx = this.names.length;
    this.names.push(l.name);
    const entries = l.list.length > MAX_WARNINGLIST_ENTRIES ? l.list.slice(0, MAX_WARNINGLIST_ENTRIES) : l.list;
    switch (l.type) {
      case 'hostname':
        for (const e of entries) if (typeof e === 'string') this.addHost(e, idx);
        break;
      case 'string':
        for (const e of entries) {
          if (typeof e !== 'string') continue;
          const t = e.trim().toLowerCase();
          if (t.startsWith('.')) this.addHost(t, idx);
          else setFirst(this.strings, t.endsWith('.') ? t.slice(0, -1) : t, idx);
        }
        break;
      case 'cidr': this.addRanges(idx, entries); break;
      case 'substring': {
        const subs = entries.filter((e): e is string => typeof e === 'string' && e.trim() !== '').map((e) => e.trim().toLowerCase());
        this.substrings.push({ list: idx, entries: subs });
        break;
      }
      case 'regex': break; // never evaluated
    }
  }

  private addRanges(idx: number, entries: string[]): void {
    const r4: [number, number][] = [];
    const r6: [string, string][] = [];
    for (const e of entries) {
      if (typeof e !== 'string') continue;
      const t = e.trim();
      const c = normalizeCidr(t.indexOf('/') >= 0 ? t : `${t}/${t.indexOf(':') >= 0 ? 128 : 32}`);
      if (c === null) continue;
      const full = c.type === 'cidr' ? c.value : `${c.value}/${c.type === 'ipv4' ? 32 : 128}`;
      const slash = full.indexOf('/');
      const len = Number(full.slice(slash + 1));
      if (c.type === 'ipv4' || (c.type === 'cidr' && full.indexOf(':') < 0)) {
        const n = parseIPv4(full.slice(0, slash))!;
        r4.push([n, lastOfV4Prefix(n, len)]);
      } else {
        const g = parseIPv6(full.slice(0, slash))!;
        r6.push([hexOf(g), hexOf(lastOfPrefix(g, len))]);
      }
    }
    if (r4.length > 0) this.v4.push({ list: idx, ranges: mergeRanges(r4) });
    if (r6.length > 0) this.v6.push({ list: idx, ranges: mergeRanges(r6) });
  }
}

function isWarninglistFile(l: unknown): l is WarninglistFile {
  if (typeof l !== 'object' || l === null) return false;
  const o = l as Record<string, unknown>;
  return typeof o['name'] === 'string' && o['name'] !== '' && typeof o['type'] === 'string' && LIST_TYPES.has(o['type']) && Array.isArray(o['list']);
}

function setFirst(m: Map<string, number>, key: string, idx: number): void {
  if (key !== '' && !m.has(key)) m.set(key, idx);
}

/** `*.example.com.` → `example.com`. */
function cleanHost(e: string): string {
  let t = e.trim().toLowerCase();
  if (t.startsWith('*.')) t = t.slice(2);
  while (t.startsWith('.')) t = t.slice(1);
  if (t.endsWith('.')) t = t.slice(0, -1);
  return t;
}

function hostOfUrl(url: string): string | null {
  const s = url.indexOf('://');
  if (s < 0) return null;
  let e = s + 3;
  while (e < url.length && url[e] !== '/' && url[e] !== '?' && url[e] !== '#') e++;
  let auth = url.slice(s + 3, e);
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.startsWith('[')) return null;
  const colon = auth.indexOf(':');
  return colon >= 0 ? auth.slice(0, colon) : auth;
}

/** A canonical dotted quad (as normalisation leaves it) as a number, without allocating; null if malformed. */
function parseDottedQuad(v: string): number | null {
  let n = 0, part = 0, parts = 0, digits = 0;
  for (let i = 0; i <= v.length; i++) {
    const c = i < v.length ? v.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255) return null;
      n = n * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else return null;
  }
  return parts === 4 ? n : null;
}

function hexOf(g: readonly number[]): string {
  let s = '';
  for (const x of g) s += x.toString(16).padStart(4, '0');
  return s;
}

/** The last address of `n/len` (JS shifts are mod 32, so /0 and /32 are special). */
function lastOfV4Prefix(n: number, len: number): number {
  if (len >= 32) return n;
  if (len <= 0) return 0xffffffff;
  return (n | (0xffffffff >>> len)) >>> 0;
}

function lastOfPrefix(g: readonly number[], len: number): number[] {
  return g.map((x, i) => {
    const bits = Math.max(0, Math.min(16, len - i * 16));
    return bits === 16 ? x : (x | (0xffff >>> bits)) & 0xffff;
  });
}

function mergeRanges<T extends number | string>(ranges: [T, T][]): RangeSet<T> {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const [s, e] of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && s <= ends[last]!) { if (e > ends[last]!) ends[last] = e; continue; }
    starts.push(s);
    ends.push(e);
  }
  return { starts, ends };
}

/** The first list (lowest index) whose ranges hold all of [lo, hi]; Infinity if none. */
function firstInRanges<T extends number | string>(lists: { list: number; ranges: RangeSet<T> }[], lo: T, hi: T): number {
  for (const { list, ranges } of lists) {
    const { starts, ends } = ranges;
    let a = 0, b = starts.length - 1, found = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (starts[m]! <= lo) { found = m; a = m + 1; } else b = m - 1;
    }
    if (found >= 0 && hi <= ends[found]!) return list;
  }
  return Infinity;
}
