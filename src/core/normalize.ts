/**
 * Normalisation of indicator and observed values (docs/design.md, "Matching
 * semantics"). Intel import and matching both call these, so a value
 * normalised on import and the same value seen in evidence compare equal.
 * Pure functions; no I/O.
 */
import { domainToASCII } from 'node:url';
import { createRequire } from 'node:module';
import type { IndicatorType } from './model.js';
import { MAX_INDICATOR_LENGTH } from './limits.js';
import { canonicalIPv6, formatIPv4, formatIPv6, normalizeIp, parseIPv4, parseIPv6 } from './ip.js';

// Address parsing lives in ip.ts; these names stay importable from here.
export { canonicalIPv6, formatIPv4, formatIPv6, normalizeIp, parseIPv4, parseIPv6 } from './ip.js';

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * The Public Suffix List (tldts), loaded on first use: it is a large table
 * that only type inference needs, and a hunt should not pay to load it.
 */
let tldts: typeof import('tldts') | null = null;
function loadTldts(): typeof import('tldts') {
  tldts ??= createRequire(import.meta.url)('tldts') as typeof import('tldts');
  return tldts;
}
function parseDomain(name: string, opts: { allowPrivateDomains: boolean }): { isIcann: boolean | null } {
  return loadTldts().parse(name, opts);
}

/** The registrable domain of a host name (`www.securelist.com` → `securelist.com`; ICANN suffixes only), or null. */
export function registrableDomain(host: string): string | null {
  return loadTldts().getDomain(host, { allowPrivateDomains: false });
}

/** Default ports dropped from URLs. */
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ftp: '21', ws: '80', wss: '443' };

/**
 * Undoes the usual defanging: `hxxp`, `hxxps`, `[.]`, `(.)`, `{.}`, `[dot]`,
 * `(dot)`, `[:]`, `[://]`, `[@]`, `[at]`.
 */
export function refang(s: string): string {
  if (!/[[({]|hxx|fxp/i.test(s)) return s;
  return s
    .replace(/^hxxp(s?)(?=:|\[:)/i, (_m, sec: string) => `http${sec}`)
    .replace(/^fxp(?=:|\[:)/i, 'ftp')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}/gi, '.')
    .replace(/\[@\]|\[at\]|\(at\)/gi, '@');
}

const LABEL_RE = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * Lower-case, trailing dot dropped, IDN as punycode. Returns null for a
 * string that is no host name.
 */
export function normalizeDomain(input: string): string | null {
  let s = input.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s.length === 0 || s.length > MAX_DOMAIN_LENGTH * 4) return null;
  // Fast path: plain ASCII.
  if (/[^\x00-\x7f]/.test(s)) {
    const ascii = domainToASCII(s);
    if (!ascii) return null;
    s = ascii;
  } else {
    s = s.toLowerCase();
  }
  if (s.length > MAX_DOMAIN_LENGTH) return null;
  const labels = s.split('.');
  for (const l of labels) {
    if (l.length === 0 || l.length > MAX_LABEL_LENGTH || !LABEL_RE.test(l)) return null;
  }
  return s;
}

/**
 * A CIDR with host bits cleared (`10.1.2.0/24`, `2001:db8::/32`). A full-length
 * prefix (/32, /128) is returned as a plain address with its family.
 */
export function normalizeCidr(s: string): { type: 'cidr' | 'ipv4' | 'ipv6'; value: string } | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const addr = s.slice(0, slash).trim();
  const lenText = s.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(lenText)) return null;
  const len = Number(lenText);
  if (addr.indexOf(':') < 0) {
    const n = parseIPv4(addr);
    if (n === null || len > 32) return null;
    if (len === 32) return { type: 'ipv4', value: formatIPv4(n) };
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return { type: 'cidr', value: `${formatIPv4((n & mask) >>> 0)}/${len}` };
  }
  const g = parseIPv6(addr);
  if (!g || len > 128) return null;
  if (len === 128) return { type: 'ipv6', value: formatIPv6(g) };
  const out = g.map((x, i) => {
    const bits = Math.max(0, Math.min(16, len - i * 16));
    return bits === 0 ? 0 : x & ((0xffff << (16 - bits)) & 0xffff);
  });
  return { type: 'cidr', value: `${formatIPv6(out)}/${len}` };
}

/**
 * URL normal form: scheme and host lower-cased, IDN host as punycode, default
 * port dropped, empty path as `/`, path and query as written, fragment dropped.
 * Returns null for no absolute URL.
 */
export function normalizeUrl(input: string): string | null {
  const s = input.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]{0,15}):\/\/([^/?#]*)([^#]*)/.exec(s);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  let authority = m[2]!;
  let rest = m[3]!;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  authority = authority.slice(at + 1);
  let host: string;
  let port = '';
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return null;
    const v6 = canonicalIPv6(authority.slice(1, close));
    if (!v6) return null;
    host = `[${v6}]`;
    const after = authority.slice(close + 1);
    if (after !== '' && !/^:\d{0,5}$/.test(after)) return null;
    port = after.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    let h = authority;
    if (colon >= 0) {
      port = authority.slice(colon + 1);
      h = authority.slice(0, colon);
      if (!/^\d{0,5}$/.test(port)) return null;
    }
    const ip = parseIPv4(h);
    if (ip !== null) host = formatIPv4(ip);
    else {
      const d = normalizeDomain(h);
      if (!d) return null;
      host = d;
    }
  }
  if (port !== '' && DEFAULT_PORTS[scheme] === String(Number(port))) port = '';
  if (rest === '') rest = '/';
  if (rest.startsWith('?')) rest = '/' + rest;
  return `${scheme}://${userinfo}${host}${port ? ':' + String(Number(port)) : ''}${rest}`;
}

/** The base name of a Windows or POSIX path, lower-cased. */
export function normalizeFilename(s: string): string | null {
  const t = s.trim();
  const base = t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf('\\')) + 1);
  if (base.length === 0 || base.length > 255 || /[\x00-\x1f]/.test(base)) return null;
  return base.toLowerCase();
}

export function normalizeEmail(s: string): string | null {
  const t = s.trim().replace(/^mailto:/i, '').replace(/^<(.*)>$/, '$1');
  const at = t.lastIndexOf('@');
  if (at <= 0) return null;
  const local = t.slice(0, at);
  if (local.length > 64 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local)) return null;
  const domain = normalizeDomain(t.slice(at + 1));
  if (!domain || domain.indexOf('.') < 0) return null;
  return `${local.toLowerCase()}@${domain}`;
}

const HEX_RE = /^[0-9a-fA-F]+$/;

/** Special-use and internal names (RFC 6761, RFC 7686, common intranet suffixes): domains though no ICANN TLD. */
const SPECIAL_USE_TLDS = new Set(['example', 'test', 'invalid', 'localhost', 'local', 'onion', 'internal', 'lan', 'home', 'corp', 'intranet', 'arpa']);

/** Normalises a value already known to be of `type`; null when it is not a valid one. */
export function normalizeIndicator(type: IndicatorType, raw: string): string | null {
  if (raw.length > MAX_INDICATOR_LENGTH) return null;
  const v = refang(raw.trim());
  switch (type) {
    case 'domain': return normalizeDomain(v);
    case 'ipv4': { const n = parseIPv4(v); return n === null ? null : formatIPv4(n); }
    case 'ipv6': return canonicalIPv6(v);
    case 'cidr': { const c = normalizeCidr(v); return c && c.type === 'cidr' ? c.value : null; }
    case 'url': return normalizeUrl(v);
    case 'md5': return v.length === 32 && HEX_RE.test(v) ? v.toLowerCase() : null;
    case 'sha1': return v.length === 40 && HEX_RE.test(v) ? v.toLowerCase() : null;
    case 'sha256': return v.length === 64 && HEX_RE.test(v) ? v.toLowerCase() : null;
    case 'imphash': return v.length === 32 && HEX_RE.test(v) ? v.toLowerCase() : null;
    case 'filename': return normalizeFilename(v);
    case 'email': return normalizeEmail(v);
    case 'yara': return /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(v) ? v : null;
    // Made by `hunt --sinkhole` from a campaign's name; no intel value is ever one.
    case 'sinkhole': return null;
  }
}

/**
 * Infers an indicator's type from its value alone and normalises it.
 * A dotted name whose last label is an ICANN top-level domain is a domain
 * (`example.zip`); one whose last label is not (`netmgr.exe`) is a file name.
 * Returns null for a value that is no indicator.
 */
export function inferIndicator(raw: string): { type: IndicatorType; value: string } | null {
  if (raw.length > MAX_INDICATOR_LENGTH) return null;
  const v = refang(raw.trim());
  if (v.length === 0) return null;
  if (HEX_RE.test(v)) {
    const t = v.length === 32 ? 'md5' : v.length === 40 ? 'sha1' : v.length === 64 ? 'sha256' : null;
    return t ? { type: t, value: v.toLowerCase() } : null;
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(v)) {
    const u = normalizeUrl(v);
    return u ? { type: 'url', value: u } : null;
  }
  if (v.indexOf('/') >= 0 && /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(v)) {
    const c = normalizeCidr(v);
    return c;
  }
  const ip = normalizeIp(v);
  if (ip) return { type: ip.family === 4 ? 'ipv4' : 'ipv6', value: ip.value };
  if (/^[\d.]+$/.test(v)) return null; // a dotted number that is no address (out of range, too few parts)
  if (v.indexOf('@') > 0 && v.indexOf(' ') < 0) {
    const e = normalizeEmail(v);
    return e ? { type: 'email', value: e } : null;
  }
  if (/[\\/]/.test(v) || /\s/.test(v)) {
    // A Windows or POSIX path to a file: its base name.
    if (/\s/.test(v) && !/[\\/]/.test(v)) return null;
    const f = normalizeFilename(v);
    return f && f.indexOf('.') > 0 ? { type: 'filename', value: f } : null;
  }
  const d = normalizeDomain(v.endsWith('.') ? v.slice(0, -1) : v);
  if (d && d.indexOf('.') > 0) {
    const p = parseDomain(d, { allowPrivateDomains: false });
    const last = d.slice(d.lastIndexOf('.') + 1);
    if (p.isIcann || SPECIAL_USE_TLDS.has(last)) return { type: 'domain', value: d };
    // last label no TLD: a file name like netmgr.exe
    const f = normalizeFilename(v);
    return f ? { type: 'filename', value: f } : null;
  }
  if (!d && /^[^.\s][^\s]*\.[A-Za-z0-9]{1,8}$/.test(v)) {
    const f = normalizeFilename(v);
    return f ? { type: 'filename', value: f } : null;
  }
  return null;
}
