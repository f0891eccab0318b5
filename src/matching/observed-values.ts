/**
 * Normalising observed values into a caller's scratch buffer, without
 * allocating on the common path (plain ASCII). Each writer agrees exactly
 * with its core/normalize.ts counterpart, which it calls for anything
 * unusual (non-ASCII, surrounding white space).
 */
import type { ObservedKind } from '../core/model.js';
import { normalizeDomain, normalizeEmail, normalizeFilename, normalizeUrl } from '../core/normalize.js';
import { normalizeIp } from '../core/ip.js';

// The index's hot path reads addresses with core's allocation-free parser;
// kept importable from here so indicator-index.ts need not change.

/** Longest domain name (RFC 1035). */
const MAX_DOMAIN_BYTES = 253;
const MAX_LABEL_BYTES = 63;
/** Longest file base name. */
const MAX_FILENAME_BYTES = 255;

const textEncoder = new TextEncoder();

/** Whether `c` may appear in a normalised domain label: a-z 0-9 _ - */
function isLabelChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}

/** Copies an ASCII string into out; -1 when it does not fit. */
function writeAscii(s: string, out: Uint8Array): number {
  if (s.length > out.length) return -1;
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return s.length;
}

/**
 * Writes normalizeDomain(value) into `out` as ASCII bytes; returns its
 * length, or -1 when the value is no host name. `out` must hold 253 bytes.
 */
export function writeDomain(value: string, out: Uint8Array): number {
  let n = value.length;
  if (n > 0 && value.charCodeAt(n - 1) === 0x2e) n--;
  if (n === 0) return -1;
  let label = 0;
  let prev = 0x2e;
  for (let i = 0; i < n; i++) {
    let c = value.charCodeAt(i);
    if (c >= 0x80 || c <= 0x20) return writeDomainSlow(value, out);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c === 0x2e) {
      if (label === 0 || prev === 0x2d) return rejectDomain(value, i, out);
      label = 0;
    } else {
      if (!isLabelChar(c) || (label === 0 && c === 0x2d) || ++label > MAX_LABEL_BYTES) return rejectDomain(value, i, out);
    }
    if (i >= MAX_DOMAIN_BYTES) return rejectDomain(value, i, out);
    out[i] = c;
    prev = c;
  }
  if (label === 0 || prev === 0x2d) return -1;
  return n;
}

/** -1, unless a later character needs the full normaliser (punycode may make `-ü` valid). */
function rejectDomain(value: string, from: number, out: Uint8Array): number {
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || c <= 0x20) return writeDomainSlow(value, out);
  }
  return -1;
}

function writeDomainSlow(value: string, out: Uint8Array): number {
  const d = normalizeDomain(value);
  return d === null ? -1 : writeAscii(d, out);
}

/**
 * Writes normalizeFilename(value) (the base name, lower-cased) into `out` as
 * UTF-8; returns its length, or -1 when it is no file name.
 */
export function writeFilename(value: string, out: Uint8Array): number {
  const n = value.length;
  if (n === 0) return -1;
  const last = value.charCodeAt(n - 1);
  if (last <= 0x20 || last >= 0x80) return writeFilenameSlow(value, out);
  let start = n;
  while (start > 0) {
    const c = value.charCodeAt(start - 1);
    if (c === 0x2f || c === 0x5c) break;
    start--;
  }
  if (start === 0 && value.charCodeAt(0) <= 0x20) return writeFilenameSlow(value, out);
  const len = n - start;
  if (len === 0 || len > MAX_FILENAME_BYTES || len > out.length) return -1;
  for (let i = 0; i < len; i++) {
    let c = value.charCodeAt(start + i);
    if (c >= 0x80) return writeFilenameSlow(value, out);
    if (c < 0x20) return -1;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    out[i] = c;
  }
  return len;
}

function writeFilenameSlow(value: string, out: Uint8Array): number {
  const f = normalizeFilename(value);
  return f === null ? -1 : writeUtf8(f, out);
}

/**
 * Writes `s` as UTF-8 into `out`. Returns the length written, negated and
 * minus one (`-written - 1`) when `s` did not fit whole.
 */
export function writeUtf8(s: string, out: Uint8Array): number {
  if (s.length <= out.length) {
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[i] = c;
    }
    if (i === s.length) return i;
  }
  const r = textEncoder.encodeInto(s, out);
  return r.read === s.length ? r.written : -r.written - 1;
}

/** True when b[s, e) holds `ffff` in any case: an IPv6 address that is IPv4-mapped (`::ffff:…`) must. */
export function hasFfffBytes(b: Uint8Array, s: number, e: number): boolean {
  let run = 0;
  for (let i = s; i < e; i++) {
    if ((b[i]! | 0x20) === 0x66) { if (++run === 4) return true; } else run = 0;
  }
  return false;
}

/** Reads a hex digit's value, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/**
 * Parses a hex digest (32, 40 or 64 hex digits, any case) into big-endian
 * 32-bit words in `out`; returns the number of words (4, 5 or 8), or -1.
 */
export function parseDigestWords(value: string, out: Uint32Array): number {
  const n = value.length;
  if (n !== 32 && n !== 40 && n !== 64) return -1;
  const words = n >>> 3;
  for (let w = 0; w < words; w++) {
    let v = 0;
    for (let k = 0; k < 8; k++) {
      const d = hexValue(value.charCodeAt(w * 8 + k));
      if (d < 0) return -1;
      v = (v << 4) | d;
    }
    out[w] = v >>> 0;
  }
  return words;
}

/** The observed value's normal form as matching compares it, or null when it is no valid value of its kind. */
export function normalizeObserved(kind: ObservedKind, value: string): string | null {
  switch (kind) {
    case 'domain': return normalizeDomain(value);
    case 'ip': return normalizeIp(value)?.value ?? null;
    case 'url': return normalizeUrl(value);
    case 'hash': return /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(value) ? value.toLowerCase() : null;
    case 'imphash': return /^[0-9a-fA-F]{32}$/.test(value) ? value.toLowerCase() : null;
    case 'filename': return normalizeFilename(value);
    case 'email': return normalizeEmail(value);
  }
}
