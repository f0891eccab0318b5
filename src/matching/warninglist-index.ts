/**
 * MISP warninglists (core/warninglist.ts) checked through matching's own
 * structures, so a warninglist and a hunt agree on what "a name and its
 * subdomains" and "inside a network" mean (docs/design.md, "Warninglists"):
 *
 * - `hostname` entries (`*.` and leading dots dropped) and `string` entries
 *   with a leading dot are domain entries of an IndicatorIndex: they match
 *   the name and every subdomain;
 * - other `string` entries match the whole value exactly, case-insensitive
 *   (a trailing dot dropped), whatever the indicator's type; a URL's host
 *   is checked as a name too;
 * - `cidr` entries (addresses and networks) are networks of an AddressSet
 *   per family. An address matches every network holding it; a CIDR
 *   indicator matches a network holding all of it (one entry must hold it
 *   whole: entries are aligned blocks, so this is also "inside the union of
 *   the entries that overlap it"). IPv4 and IPv6 do not cross: an
 *   IPv4-mapped IPv6 value is not checked against IPv4 networks;
 * - `substring` entries match anywhere in the (lower-cased) value;
 * - `regex` lists are never evaluated (untrusted regular expressions).
 *
 * When a value is on several lists, the first list given wins.
 */
import type { IndicatorType } from '../core/model.js';
import type { Warninglist } from '../core/warninglist.js';
import { normalizeCidr } from '../core/normalize.js';
import { parseIPv4, parseIPv6 } from '../core/ip.js';
import { IndicatorIndex, type IndexEntry } from './indicator-index.js';
import { AddressSet, AddressSetBuilder } from './address-index.js';

/**
 * An address entry's id is its list's position times PREFIX_IDS plus its
 * prefix length (0–128), so a lookup tells both without a side table.
 */
const PREFIX_IDS = 256;
/** Most lists in one index: a list's position times PREFIX_IDS must stay an unsigned 32-bit id. */
export const MAX_WARNINGLISTS = 2 ** 32 / PREFIX_IDS;

/** No list: larger than every list position. */
const NONE = Infinity;

/** Substring entries of one list. */
interface SubstringList {
  list: number;
  entries: readonly string[];
}

/** A set of warninglists, checked in the order given (see the file comment). */
export class WarninglistIndex {
  /** Ids found by one lookup (scratch, cleared before each). */
  private readonly found: number[] = [];
  private readonly words = new Uint32Array(4);

  private constructor(
    private readonly names: readonly string[],
    /** Domain entries; an entry's id is its list's position. */
    private readonly hosts: IndicatorIndex,
    /** Lower-cased exact string → the first list holding it. */
    private readonly strings: ReadonlyMap<string, number>,
    private readonly v4: AddressSet,
    private readonly v6: AddressSet,
    private readonly substrings: readonly SubstringList[],
  ) {}

  /** Indexes the lists; entries that are no valid value of their list's kind are left out. */
  static build(lists: readonly Warninglist[]): WarninglistIndex {
    if (lists.length > MAX_WARNINGLISTS) throw new RangeError(`more than ${MAX_WARNINGLISTS} warninglists`);
    const names: string[] = [];
    const hosts: IndexEntry[] = [];
    const hostSeen = new Set<string>();
    const strings = new Map<string, number>();
    const v4 = new AddressSetBuilder(1);
    const v6 = new AddressSetBuilder(4);
    const substrings: SubstringList[] = [];
    const words = new Uint32Array(4);
    for (const l of lists) {
      const list = names.length;
      names.push(l.name);
      switch (l.type) {
        case 'hostname':
          for (const e of l.list) addHost(hosts, hostSeen, e, list);
          break;
        case 'string':
          for (const e of l.list) {
            const t = e.trim().toLowerCase();
            if (t.startsWith('.')) { addHost(hosts, hostSeen, t, list); continue; }
            const key = t.endsWith('.') ? t.slice(0, -1) : t;
            if (key !== '' && !strings.has(key)) strings.set(key, list);
          }
          break;
        case 'cidr':
          for (const e of l.list) addNetwork(v4, v6, e, list, words);
          break;
        case 'substring':
          substrings.push({ list, entries: l.list.map((e) => e.trim().toLowerCase()).filter((e) => e !== '') });
          break;
        case 'regex': break; // never evaluated
      }
    }
    return new WarninglistIndex(names, IndicatorIndex.build(hosts), strings, v4.finish(), v6.finish(), substrings);
  }

  /** The names of the lists held, in order. */
  listNames(): string[] {
    return [...this.names];
  }

  /** The name of the first list the (already normalised) indicator is on, or null. */
  check(type: IndicatorType, value: string): string | null {
    // Normalised values are lower-case already, except a URL's path and query and a YARA rule's name.
    const lower = type === 'url' || type === 'yara' ? value.toLowerCase() : value;
    let best = this.strings.get(lower) ?? NONE;
    switch (type) {
      case 'domain': best = Math.min(best, this.firstHost(lower)); break;
      case 'url': {
        const host = hostOfUrl(lower);
        if (host !== null) best = Math.min(best, this.firstHost(host), this.strings.get(host) ?? NONE);
        break;
      }
      case 'ipv4': best = Math.min(best, this.firstNetwork(value, -1)); break;
      case 'ipv6': best = Math.min(best, this.firstNetwork(value, -1)); break;
      case 'cidr': {
        const slash = value.indexOf('/');
        const len = value.slice(slash + 1);
        if (slash > 0 && /^\d{1,3}$/.test(len)) best = Math.min(best, this.firstNetwork(value.slice(0, slash), Number(len)));
        break;
      }
      default: break;
    }
    for (const sub of this.substrings) {
      if (sub.list >= best) break;
      if (sub.entries.some((e) => lower.includes(e))) { best = sub.list; break; }
    }
    return best === NONE ? null : this.names[best] ?? null;
  }

  /** The first list with a domain entry equal to `host` or one of its parent names. */
  private firstHost(host: string): number {
    const found = this.found;
    found.length = 0;
    this.hosts.match('domain', host, found);
    let best = NONE;
    for (const id of found) if (id < best) best = id;
    return best;
  }

  /**
   * The first list with a network holding the address `addr`, or, when
   * `len` is not -1, all of the network `addr/len`.
   */
  private firstNetwork(addr: string, len: number): number {
    const found = this.found;
    found.length = 0;
    let max: number;
    if (addr.indexOf(':') < 0) {
      const n = parseIPv4(addr);
      if (n === null || len > 32) return NONE;
      this.v4.lookupV4(n, found);
      max = len < 0 ? 32 : len;
    } else {
      const g = parseIPv6(addr);
      if (g === null || len > 128) return NONE;
      const w = this.words;
      for (let k = 0; k < 4; k++) w[k] = ((g[2 * k]! << 16) | g[2 * k + 1]!) >>> 0;
      this.v6.lookupV6(w, found);
      max = len < 0 ? 128 : len;
    }
    let best = NONE;
    for (const id of found) {
      const list = Math.floor(id / PREFIX_IDS);
      // A network longer than the indicator's holds only part of it.
      if (id % PREFIX_IDS <= max && list < best) best = list;
    }
    return best;
  }
}

/**
 * Adds a hostname entry (`*.example.com.` → `example.com`) unless an earlier
 * list has it: the first list wins anyway, and the popular-sites lists
 * overlap, so duplicates would only lengthen the index's probe runs.
 */
function addHost(hosts: IndexEntry[], seen: Set<string>, entry: string, list: number): void {
  let t = entry.trim().toLowerCase();
  if (t.startsWith('*.')) t = t.slice(2);
  while (t.startsWith('.')) t = t.slice(1);
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (t === '' || seen.has(t)) return;
  seen.add(t);
  hosts.push({ id: list, type: 'domain', value: t });
}

/** Adds a cidr entry: an address, or a network (host bits cleared). */
function addNetwork(v4: AddressSetBuilder, v6: AddressSetBuilder, entry: string, list: number, words: Uint32Array): void {
  const t = entry.trim();
  const c = normalizeCidr(t.indexOf('/') >= 0 ? t : `${t}/${t.indexOf(':') >= 0 ? 128 : 32}`);
  if (c === null) return;
  const slash = c.value.indexOf('/');
  const addr = slash < 0 ? c.value : c.value.slice(0, slash);
  if (addr.indexOf(':') < 0) {
    const len = slash < 0 ? 32 : Number(c.value.slice(slash + 1));
    words[0] = parseIPv4(addr)!;
    v4.add(words, len, list * PREFIX_IDS + len);
  } else {
    const len = slash < 0 ? 128 : Number(c.value.slice(slash + 1));
    const g = parseIPv6(addr)!;
    for (let k = 0; k < 4; k++) words[k] = ((g[2 * k]! << 16) | g[2 * k + 1]!) >>> 0;
    v6.add(words, len, list * PREFIX_IDS + len);
  }
}

/** The host of a normalised URL (userinfo and port dropped), or null for none or an IPv6 literal. */
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
