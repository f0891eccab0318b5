/**
 * Finds indicator candidates in one refanged line of prose: URLs (and their
 * hosts), e-mail addresses, IPv4 and IPv6 addresses and CIDRs, MD5/SHA-1/
 * SHA-256 digests, domains and file names. Pure; never throws on any text.
 *
 * What decides a dotted word (the guard against prose): a name is a domain
 * only under a top-level domain of the Public Suffix List (core's
 * inferIndicator), so `setup.exe`, `readme.txt` and `v2.1.3` are no domains;
 * a word under a file extension of word-lists.ts is a file name; a dotted
 * word under anything else (`fig.3`, `e.g`) is nothing. A word whose last
 * label is capitalised after a lower-case one (`server.It`, a sentence run
 * into the next by text extraction) is no name.
 */
import type { IndicatorType } from '../../core/model.js';
import { canonicalIPv6, inferIndicator, normalizeCidr, normalizeEmail, normalizeUrl, parseIPv4 } from '../../core/normalize.js';
import { DOTTED_NAMES, EMPTY_HASHES, EXTENSION_TLDS, FILE_EXTENSIONS, SYSTEM_FILES, VERSION_WORDS } from './word-lists.js';

/** One candidate: its normalised value, its span in the refanged line, and a reason when its shape alone rules it out. */
export interface Candidate {
  type: IndicatorType;
  value: string;
  start: number;
  end: number;
  drop?: string;
}

/** Most candidates taken from one line (a hostile line cannot make the list grow without bound). */
export const MAX_CANDIDATES_PER_LINE = 1024;
/** Most distinct labels whose top-level-domain verdict is remembered. */
const MAX_TLD_CACHE = 4096;

const URL_RE = /(?<![A-Za-z0-9])(?:https?|ftps?|sftp|wss?):\/\/[^\s"'<>`\\|,\u00a0\u201c\u201d\u2018\u2019]+/gi;
const EMAIL_RE = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,10}/g;
const IPV4_RE = /(?<![0-9A-Za-z.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![0-9A-Za-z]|\.\d)/g;
const IPV6_RE = /(?<![0-9A-Za-z:.])[0-9A-Za-z:.]*:[0-9A-Za-z:.]*:[0-9A-Za-z:.]*(?:\/\d{1,3})?/g;
const HASH_RE = /(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![0-9A-Za-z])/g;
const WORD_RE = /(?<![A-Za-z0-9_@.-])[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63}){1,20}/g;

/** Whether a lower-case label is a top-level domain (Public Suffix List, ICANN section, or a special-use name). */
const tldCache = new Map<string, boolean>();
export function isTopLevelDomain(label: string): boolean {
  const known = tldCache.get(label);
  if (known !== undefined) return known;
  const r = label.length > 0 && label.length <= 63 ? inferIndicator(`x.${label}`) : null;
  const yes = r !== null && r.type === 'domain';
  if (tldCache.size < MAX_TLD_CACHE) tldCache.set(label, yes);
  return yes;
}

/**
 * Candidates in `text` (a refanged line), in line order. `changed(start,
 * end)` tells whether the span was written defanged: a defanged
 * `report[.]zip` is a domain, a plain `report.zip` a file.
 */
export function findCandidates(text: string, changed: (start: number, end: number) => boolean): Candidate[] {
  const out: Candidate[] = [];
  // Spans of URLs and of e-mail addresses (each list in line order, without overlaps): their parts are not words of their own.
  const urls: number[][] = [], emails: number[][] = [];
  const inside = (s: number, e: number) => overlaps(urls, s, e) || overlaps(emails, s, e);
  const add = (c: Candidate) => { if (out.length < MAX_CANDIDATES_PER_LINE) out.push(c); };

  for (const m of text.matchAll(URL_RE)) {
    const s = m.index;
    const e = s + trimUrlEnd(m[0]);
    const url = text.slice(s, e);
    const value = normalizeUrl(url);
    if (value === null) continue;
    const host = urlHost(value);
    if (host === null) continue;
    urls.push([s, e]);
    add({ type: 'url', value, start: s, end: e });
    add({ ...host, start: s, end: e });
  }
  for (const m of text.matchAll(EMAIL_RE)) {
    let e = m.index + m[0].length;
    while (e > m.index && (text[e - 1] === '.' || text[e - 1] === '-')) e--;
    if (inside(m.index, e)) continue;
    const value = normalizeEmail(text.slice(m.index, e));
    if (value === null || !isTopLevelDomain(value.slice(value.lastIndexOf('.') + 1))) continue;
    emails.push([m.index, e]);
    add({ type: 'email', value, start: m.index, end: e });
  }
  for (const m of text.matchAll(IPV4_RE)) {
    const s = m.index, e = s + m[0].length;
    if (inside(s, e)) continue;
    const slash = m[0].indexOf('/');
    const cidr = slash >= 0 ? normalizeCidr(m[0]) : null;
    const addr = parseIPv4(slash >= 0 ? m[0].slice(0, slash) : m[0]);
    if (addr === null) continue;
    const c: Candidate = cidr !== null ? { type: cidr.type, value: cidr.value, start: s, end: e } : { type: 'ipv4', value: m[0], start: s, end: e };
    if (VERSION_WORDS.has(wordBefore(text, s))) c.drop = 'a version number';
    add(c);
  }
  for (const m of text.matchAll(IPV6_RE)) {
    let tok = m[0];
    const s = m.index;
    // A sentence's full stop or colon is not part of the address (`2001:db8::1.`, `fe80::1: refused`).
    while (tok.length > 0 && (tok.endsWith('.') || (tok.endsWith(':') && !tok.endsWith('::')))) tok = tok.slice(0, -1);
    const slash = tok.indexOf('/');
    const addrText = slash >= 0 ? tok.slice(0, slash) : tok;
    if (!/^[0-9A-Fa-f:.]+$/.test(addrText) || inside(s, s + tok.length)) continue;
    const v6 = canonicalIPv6(addrText);
    if (v6 === null) continue;
    if (slash >= 0) {
      const cidr = normalizeCidr(tok);
      if (cidr !== null) add({ type: cidr.type, value: cidr.value, start: s, end: s + tok.length });
    } else add({ type: 'ipv6', value: v6, start: s, end: s + tok.length });
  }
  for (const m of text.matchAll(HASH_RE)) {
    const value = m[0].toLowerCase();
    const type = value.length === 32 ? 'md5' : value.length === 40 ? 'sha1' : 'sha256';
    const c: Candidate = { type, value, start: m.index, end: m.index + value.length };
    if (EMPTY_HASHES.has(value)) c.drop = 'the digest of an empty file';
    add(c);
  }
  for (const m of text.matchAll(WORD_RE)) {
    let s = m.index, e = s + m[0].length;
    while (e > s && (text[e - 1] === '-' || text[e - 1] === '_')) e--;
    while (s < e && (text[s] === '-' || text[s] === '_')) s++;
    if (inside(s, e) || /^[\d.]+$/.test(text.slice(s, e))) continue; // parts of URLs and addresses; dotted numbers
    const c = classifyWord(text.slice(s, e), changed(s, e));
    if (c !== null) add({ ...c, start: s, end: e });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Whether [s, e) overlaps a span of `spans` (sorted by start, not overlapping each other): a binary search. */
function overlaps(spans: readonly number[][], s: number, e: number): boolean {
  let lo = 0, hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]![0]! < e) lo = mid + 1; else hi = mid;
  }
  return lo > 0 && spans[lo - 1]![1]! > s;
}

/** A dotted word as a domain, a file name, or nothing (see the file comment). */
function classifyWord(word: string, defanged: boolean): { type: IndicatorType; value: string; drop?: string } | null {
  const lower = word.toLowerCase();
  if (DOTTED_NAMES.has(lower)) return { type: 'filename', value: lower, drop: 'a product name' };
  const lastDot = word.lastIndexOf('.');
  const last = lower.slice(lastDot + 1);
  const r = inferIndicator(word);
  if (r === null) return null;
  if (r.type === 'domain') {
    if (!defanged && EXTENSION_TLDS.has(last)) return fileNamed(r.value);
    // `server.It`: two sentences run together by text extraction, not a name.
    const lastLabel = word.slice(lastDot + 1);
    const before = word.slice(word.lastIndexOf('.', lastDot - 1) + 1, lastDot);
    if (/^[A-Z][a-z]+$/.test(lastLabel) && /[a-z]/.test(before)) return null;
    return r;
  }
  if (r.type === 'filename') return FILE_EXTENSIONS.has(last) ? fileNamed(r.value) : null;
  return null;
}

function fileNamed(value: string): { type: IndicatorType; value: string; drop?: string } {
  return SYSTEM_FILES.has(value) ? { type: 'filename', value, drop: 'a file every Windows system has' } : { type: 'filename', value };
}

/** The URL's host as a candidate of its own type; null when it is no host an indicator names (a single label, all digits). */
function urlHost(url: string): { type: IndicatorType; value: string } | null {
  const a = url.indexOf('://') + 3;
  let e = a;
  while (e < url.length && url[e] !== '/' && url[e] !== '?' && url[e] !== '#') e++;
  let host = url.slice(a, e);
  host = host.slice(host.lastIndexOf('@') + 1);
  if (host.startsWith('[')) {
    const v6 = canonicalIPv6(host.slice(1, host.indexOf(']')));
    return v6 === null ? null : { type: 'ipv6', value: v6 };
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  if (parseIPv4(host) !== null) return { type: 'ipv4', value: host };
  const dot = host.lastIndexOf('.');
  if (dot <= 0 || /^[\d.]+$/.test(host) || !isTopLevelDomain(host.slice(dot + 1))) return null;
  return { type: 'domain', value: host };
}

/** The length of a URL match without the sentence punctuation and closing brackets after it. */
function trimUrlEnd(u: string): number {
  let e = u.length;
  let open = 0, close = 0;
  for (const ch of u) {
    if (ch === '(' || ch === '[' || ch === '{') open++;
    else if (ch === ')' || ch === ']' || ch === '}') close++;
  }
  while (e > 0) {
    const ch = u[e - 1]!;
    if ('.,;:!?'.includes(ch)) e--;
    else if ((ch === ')' || ch === ']' || ch === '}') && close > open) { e--; close--; } else break;
  }
  return e;
}

/** The word right before `pos` (lower case), skipping spaces: `version 1.2.3.4` gives `version`. */
function wordBefore(text: string, pos: number): string {
  let e = pos;
  while (e > 0 && text[e - 1] === ' ') e--;
  let s = e;
  while (s > 0 && /[A-Za-z.]/.test(text[s - 1]!)) s--;
  return text.slice(s, e).toLowerCase();
}
