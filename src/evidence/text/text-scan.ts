/**
 * Finds, in one line of any text, the values an analyst would grep for:
 * URLs (and their hosts), domains, IPv4 and IPv6 addresses, e-mail addresses
 * and hex hashes. Pure: no I/O.
 *
 * Speed and safety: the line is scanned as bytes, one linear pass per kind
 * of value, with a byte-class table; only a candidate token (a run of the
 * characters a value can hold) is turned into a string and validated. No
 * regular expression runs over a whole line except the refanging one, whose
 * patterns are literal alternatives (linear).
 *
 * A URL ends at white space, a quote, `<>`, a backquote, a backslash, `|`,
 * a comma or a non-ASCII byte: commas are legal in URLs but rare, while a URL
 * followed by a comma is the shape of every CSV export (and of prose); the
 * punctuation that ends a sentence and a bracket closing around the URL are
 * dropped from its end, as link finders do.
 *
 * Values are reported as written (case kept), stripped of the punctuation
 * around them; defanged values (`hxxp://evil[.]example`) are reported refanged,
 * since that is the value they stand for. Matching normalises everything.
 * Only ASCII host names are found in free text: a Unicode (IDN) name is found
 * only in its punycode form, so that curly quotes and other non-ASCII
 * punctuation cannot glue themselves onto a name.
 */
import type { ObservedKind } from '../../core/model.js';
import { inferIndicator, normalizeUrl } from '../../core/normalize.js';
import { isIPv4Bytes, parseIPv6 } from '../../core/ip.js';
import { splitHost } from '../line-reader.js';

/** Most distinct values taken from one line, per kind of scan and in all; the rest are reported as cut. */
export const MAX_VALUES_PER_LINE = 512;
/** Longest domain name (RFC 1035 §2.3.4, in text form without the root dot). */
const MAX_DOMAIN_CHARS = 253;
/** Longest label (RFC 1035 §2.3.4). */
const MAX_LABEL_CHARS = 63;
/** Longest e-mail local part (RFC 5321 §4.5.3.1.1). */
const MAX_LOCAL_PART_CHARS = 64;
/** Longest IPv6 address text without a zone (`ffff:…:255.255.255.255` is 45). */
const MAX_IPV6_CHARS = 45;
/** Longest IPv6 zone id taken (interface names are short; a longer one is no zone). */
const MAX_ZONE_CHARS = 64;
/** Longest URL scheme accepted (`https`). */
const MAX_SCHEME_CHARS = 5;
/** Most distinct top-level labels whose verdict is remembered (hostile text cannot grow the cache without bound). */
export const MAX_TLD_CACHE = 4096;

/** URL schemes taken (after refanging `hxxp`, `hxxps`, `fxp`). */
const URL_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'sftp', 'ws', 'wss']);

/** One value found in a line; `pos` is its byte offset, so values come out in line order. */
export interface FoundValue {
  pos: number;
  kind: ObservedKind;
  value: string;
}

/** What a line gave: its values in line order (at most MAX_VALUES_PER_LINE) and whether some were left out. */
export interface ScanResult {
  values: FoundValue[];
  cut: boolean;
}

// Byte classes.
const WORD = 1;    // a domain or IPv4 token: A-Z a-z 0-9 - _ .
const ALNUM = 2;   // A-Z a-z 0-9
const HEX = 4;     // 0-9 A-F a-f
const V6 = 8;      // an IPv6 token: letters (so that words are no candidates), digits, ':' and '.'
const LOCAL = 16;  // an e-mail local part as people write it: A-Z a-z 0-9 . _ % + -
const LETTER = 32; // A-Z a-z
const ZONE = 64;   // an IPv6 zone id: A-Z a-z 0-9 _ . -
const URL_STOP = 128; // ends a URL: space, controls, quotes, angle brackets, backquote, backslash, '|', ',', non-ASCII

const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const digit = c >= 0x30 && c <= 0x39;
  const hex = digit || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  let k = 0;
  if (letter || digit) k |= WORD | ALNUM | V6 | LOCAL | ZONE;
  if (c === 0x2d || c === 0x5f || c === 0x2e) k |= WORD | LOCAL | ZONE;
  if (c === 0x25 || c === 0x2b) k |= LOCAL;
  if (c === 0x3a || c === 0x2e) k |= V6;
  if (hex) k |= HEX;
  if (letter) k |= LETTER;
  if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e || c === 0x60 || c === 0x5c || c === 0x7c || c === 0x2c) k |= URL_STOP;
  CLASS[c] = k;
}

const DOT = 0x2e, HYPHEN = 0x2d, COLON = 0x3a, AT = 0x40;

/** Collects distinct values (by kind and value), keeping each one's first position; each scan stops at the limit. */
class Collector {
  readonly values: FoundValue[] = [];
  private readonly byKey = new Map<string, FoundValue>();
  private inPass = 0;
  cut = false;
  /** Offsets of the `@` of URLs' user info (`ftp://user:pw@host`): no e-mail address. */
  readonly userInfoAts = new Set<number>();

  /** Starts another kind of scan (each may keep MAX_VALUES_PER_LINE values, so the first ones in line order survive the merge). */
  beginPass(): void {
    this.inPass = 0;
  }

  /** Adds a value; false when this scan is full (the caller stops). */
  add(pos: number, kind: ObservedKind, value: string): boolean {
    const key = kind + ' ' + value;
    const seen = this.byKey.get(key);
    if (seen !== undefined) {
      if (pos < seen.pos) seen.pos = pos;
      return true;
    }
    if (this.inPass >= MAX_VALUES_PER_LINE) {
      this.cut = true;
      return false;
    }
    this.inPass++;
    const v: FoundValue = { pos, kind, value };
    this.byKey.set(key, v);
    this.values.push(v);
    return true;
  }
}

/** Whether a name under a top-level label (lower case) is a domain; learned from core's inferIndicator (Public Suffix List and special-use names). */
const tldIsReal = new Map<string, boolean>();

/** True when `tld` (lower case) is an ICANN top-level domain or a special-use one (`local`, `onion`, …). */
function isRealTld(tld: string): boolean {
  const known = tldIsReal.get(tld);
  if (known !== undefined) return known;
  const r = inferIndicator(`x.${tld}`);
  const real = r !== null && r.type === 'domain';
  if (tldIsReal.size < MAX_TLD_CACHE) tldIsReal.set(tld, real);
  return real;
}

/** True when the line may hold a defanged value or a JSON-escaped slash (then it is refanged before scanning). */
function mayBeDefanged(b: Uint8Array, end: number): boolean {
  for (let i = 0; i + 2 < end; i++) {
    const c = b[i]!;
    const n = b[i + 1]!;
    if (c === 0x5b || c === 0x28 || c === 0x7b) { // [ ( {
      if (n === DOT || n === COLON || n === AT || n === 0x64 || n === 0x44 || n === 0x61 || n === 0x41) return true;
    } else if ((c | 0x20) === 0x68 && (n | 0x20) === 0x78 && (b[i + 2]! | 0x20) === 0x78) { // hxx
      return true;
    } else if ((c | 0x20) === 0x66 && (n | 0x20) === 0x78 && (b[i + 2]! | 0x20) === 0x70) { // fxp
      return true;
    } else if (c === 0x5c && n === 0x2f) { // \/
      return true;
    }
  }
  return false;
}

/** Undoes the usual defanging anywhere in a line (core's refang() reads one value), and JSON's `\/`. Each pattern is literal, so this is linear. */
export function refangLine(s: string): string {
  return s
    .replace(/\\\//g, '/')
    .replace(/\bh[xX]{2}p([sS]?)(?=:|\[:)/gi, (_m, sec: string) => `http${sec.toLowerCase()}`)
    .replace(/\bfxp(?=:|\[:)/gi, 'ftp')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}/gi, '.')
    .replace(/\[@\]|\[at\]|\(at\)/gi, '@');
}

/**
 * Scans `line[0, end)` for values. The line may hold any bytes; this never
 * throws on them and takes time linear in `end`.
 */
export function scanLine(line: Uint8Array, end: number): ScanResult {
  let b = Buffer.from(line.buffer, line.byteOffset, end);
  if (mayBeDefanged(b, end)) {
    // latin1 keeps every byte as one char, so the refanged copy is byte-for-byte the line elsewhere.
    b = Buffer.from(refangLine(b.toString('latin1')), 'latin1');
  }
  const n = b.length;
  const c = new Collector();
  c.beginPass(); scanUrls(b, n, c);
  c.beginPass(); scanWords(b, n, c);
  c.beginPass(); scanIPv6(b, n, c);
  c.beginPass(); scanHashes(b, n, c);
  // Stable sort: at one position the earlier scan's value (a URL before its host) comes first.
  const values = c.values.sort((x, y) => x.pos - y.pos);
  let cut = c.cut;
  if (values.length > MAX_VALUES_PER_LINE) { values.length = MAX_VALUES_PER_LINE; cut = true; }
  return { values, cut };
}

/**
 * False when scanLine(line, end) surely finds at most MAX_VALUES_PER_LINE
 * values (so reports no cut), without scanning: a reader that needs no
 * values still reports every cut line. Each value holds a byte that the
 * scans key on, and the tokens of one scan do not overlap: a URL and its host
 * come from one `://`; a dotted quad, a domain and the e-mail address around
 * it from a token holding a `.`; an IPv6 address from a run holding two `:`;
 * a hash from a run of at least 32 of the line's bytes. A line that may be
 * defanged is scanned after refanging, which can add dots: true for it.
 */
export function mayExceedValues(line: Uint8Array, end: number): boolean {
  if (mayBeDefanged(line, end)) return true;
  let dots = 0, colons = 0;
  for (let i = 0; i < end; i++) {
    const ch = line[i]!;
    if (ch === DOT) dots++;
    else if (ch === COLON) colons++;
  }
  // URLs: 2 per `://` (≤ colons); dotted tokens: 2 per dot; IPv6: ≤ colons; hashes: ≤ end / 32.
  return 2 * dots + 3 * colons + Math.floor(end / 32) > MAX_VALUES_PER_LINE;
}

/** `b[s, e)` as a string (the scanned tokens are ASCII; latin1 is the cheapest faithful decoding). */
function text(b: Buffer, s: number, e: number): string {
  return b.toString('latin1', s, e);
}

/** URLs with a known scheme; each URL's host is also a domain or an address. */
function scanUrls(b: Buffer, n: number, c: Collector): void {
  let from = 0;
  while (from < n) {
    const p = b.indexOf('://', from, 'latin1');
    if (p < 0) return;
    from = p + 3;
    let s = p;
    while (s > 0 && p - s < MAX_SCHEME_CHARS && (CLASS[b[s - 1]!]! & LETTER) !== 0) s--;
    if (s === p || (s > 0 && (CLASS[b[s - 1]!]! & ALNUM) !== 0)) continue;
    if (!URL_SCHEMES.has(text(b, s, p).toLowerCase())) continue;
    let e = p + 3;
    let open = 0, close = 0;
    while (e < n && (CLASS[b[e]!]! & URL_STOP) === 0) {
      const ch = b[e]!;
      if (ch === 0x28 || ch === 0x5b) open++;
      else if (ch === 0x29 || ch === 0x5d) close++;
      e++;
    }
    from = e;
    // Trailing sentence punctuation, and a closing bracket that closes something around the URL, are not part of it.
    while (e > p + 3) {
      const ch = b[e - 1]!;
      if (ch === DOT || ch === 0x2c || ch === 0x3b || ch === COLON || ch === 0x21 || ch === 0x3f) e--;
      else if ((ch === 0x29 || ch === 0x5d) && close > open) { e--; close--; } else break;
    }
    let a = p + 3;
    while (a < e && b[a] !== 0x2f && b[a] !== 0x3f && b[a] !== 0x23) a++;
    if (a === p + 3) continue;
    const url = text(b, s, e);
    if (normalizeUrl(url) === null) continue; // no URL an indicator could equal (bad host or port)
    let authority = text(b, p + 3, a);
    const at = authority.lastIndexOf('@');
    if (at >= 0) { authority = authority.slice(at + 1); c.userInfoAts.add(p + 3 + at); }
    const hostPos = p + 4 + at; // p + 3 without user info
    const host = splitHost(authority);
    // A URL names an address or a dotted name: `http://1.2.3.4.5/` and `http://2.0.1/` (all-digit labels, which
    // normalizeUrl takes as a name), `http://%s/` and single labels (`http://http://…`) are no host an indicator names.
    if (host === null || (host.kind === 'domain' && (host.host.indexOf('.') <= 0 || /^[\d.]+$/.test(host.host)))) continue;
    if (!c.add(s, 'url', url)) return;
    if (host.kind === 'ip') {
      if (!c.add(hostPos, 'ip', host.host)) return;
    } else if (!c.add(hostPos, 'domain', host.host)) return; // a valid name: normalizeUrl checked it
  }
}

/** Runs of domain characters: dotted quads, domains with a real TLD, and the e-mail addresses around `@`. */
function scanWords(b: Buffer, n: number, c: Collector): void {
  let i = 0;
  while (i < n) {
    if ((CLASS[b[i]!]! & WORD) === 0) { i++; continue; }
    let j = i;
    while (j < n && (CLASS[b[j]!]! & WORD) !== 0) j++;
    // Two or more dots in a row end a token (`a..b` is no name; `see...evil.example` holds one).
    let s = i;
    for (let k = i; k <= j; k++) {
      if (k < j && !(b[k] === DOT && k + 1 < j && b[k + 1] === DOT)) continue;
      if (!wordToken(b, s, k, s === i && i > 0 && b[i - 1] === AT ? i - 1 : -1, k === j && j < n && b[j] === AT, c)) return;
      while (k < j && b[k] === DOT) k++;
      s = k;
    }
    i = j;
  }
}

/** Classifies one token `b[s, e)` (`at`: the index of an `@` right before it, or -1); false when the scan is full. */
function wordToken(b: Buffer, s: number, e: number, at: number, beforeAt: boolean, c: Collector): boolean {
  if (beforeAt) return true; // an e-mail local part (`john.smith@…`), not a name
  while (s < e && (b[s] === DOT || b[s] === HYPHEN)) s++;
  while (e > s && (b[e - 1] === DOT || b[e - 1] === HYPHEN)) e--;
  if (e - s < 4) return true; // `a.bc` is the shortest name with a real TLD
  let dots = 0, digitsAndDots = true, badLabel = false, lastDot = -1, labelStart = s;
  for (let k = s; k <= e; k++) {
    const ch = k < e ? b[k]! : DOT;
    if (ch === DOT) {
      const len = k - labelStart;
      if (len === 0 || len > MAX_LABEL_CHARS || b[labelStart] === HYPHEN || b[k - 1] === HYPHEN) badLabel = true;
      if (k < e) { dots++; lastDot = k; }
      labelStart = k + 1;
    } else if (ch < 0x30 || ch > 0x39) digitsAndDots = false;
  }
  if (dots === 0) return true;
  if (digitsAndDots) return isIPv4Bytes(b, s, e) ? c.add(s, 'ip', text(b, s, e)) : true; // `1.2.3.4.5`, `2.0.1`: nothing
  if (badLabel || e - s > MAX_DOMAIN_CHARS) return true;
  const tldLen = e - lastDot - 1;
  if (tldLen < 2 || (CLASS[b[lastDot + 1]!]! & LETTER) === 0) return true;
  const name = text(b, s, e);
  if (!isRealTld(name.slice(lastDot + 1 - s).toLowerCase())) return true;
  if (!c.add(s, 'domain', name)) return false;
  if (at >= 0 && !c.userInfoAts.has(at)) {
    let l = at;
    while (l > 0 && at - l < MAX_LOCAL_PART_CHARS && (CLASS[b[l - 1]!]! & LOCAL) !== 0) l--;
    while (l < at && b[l] === DOT) l++;
    // A longer run before the `@` is no local part (RFC 5321 caps it), so no address is made from its tail.
    if (l < at && (l === 0 || (CLASS[b[l - 1]!]! & LOCAL) === 0)) return c.add(l, 'email', text(b, l, e));
  }
  return true;
}

/** Runs of hex digits, colons and dots holding at least two colons: IPv6 addresses, with a `%zone` when one follows. */
function scanIPv6(b: Buffer, n: number, c: Collector): void {
  let i = 0;
  while (i < n) {
    if ((CLASS[b[i]!]! & V6) === 0) { i++; continue; }
    let j = i, colons = 0, double = false, nonHex = false, hexDigits = 0;
    for (; j < n; j++) {
      const ch = b[j]!;
      const k = CLASS[ch]!;
      if ((k & V6) === 0) break;
      if (ch === COLON) { colons++; if (j > i && b[j - 1] === COLON) double = true; } else if ((k & HEX) !== 0) hexDigits++;
      else if (ch !== DOT) nonHex = true;
    }
    const s = i;
    i = j;
    // Words (`std::string`), clock times (`10:20:30`) and MAC addresses (five colons, no `::`) are no candidates.
    if (nonHex || hexDigits === 0 || colons < 2 || (!double && colons < 6)) continue;
    let e = j;
    while (e > s && b[e - 1] === DOT) e--; // sentence end
    if (e - s > MAX_IPV6_CHARS + 1) continue;
    let core = text(b, s, e);
    if (parseIPv6(core) === null) {
      // `2001:db8::1: refused`: a trailing colon belongs to the prose.
      if (!core.endsWith(':') || core.endsWith('::')) continue;
      core = core.slice(0, -1);
      e--;
      if (parseIPv6(core) === null) continue;
    }
    if (e - s > MAX_IPV6_CHARS) continue;
    let value = core;
    if (e === j && j < n && b[j] === 0x25) {
      let z = j + 1;
      while (z < n && z - j - 1 < MAX_ZONE_CHARS && (CLASS[b[z]!]! & ZONE) !== 0) z++;
      while (z > j + 1 && b[z - 1] === DOT) z--;
      if (z > j + 1 && (z >= n || (CLASS[b[z]!]! & ZONE) === 0 || b[z] === DOT)) { value = text(b, s, z); i = z; }
    }
    if (!c.add(s, 'ip', value)) return;
  }
}

/** Whole runs of 32, 40 or 64 hex digits (MD5, SHA-1, SHA-256) between non-alphanumerics. */
function scanHashes(b: Buffer, n: number, c: Collector): void {
  let i = 0;
  while (i < n) {
    if ((CLASS[b[i]!]! & ALNUM) === 0) { i++; continue; }
    let j = i, hex = true;
    for (; j < n; j++) {
      const k = CLASS[b[j]!]!;
      if ((k & ALNUM) === 0) break;
      if ((k & HEX) === 0) hex = false;
    }
    const len = j - i;
    if (hex && (len === 32 || len === 40 || len === 64) && !c.add(i, 'hash', text(b, i, j))) return;
    i = j;
  }
}
