/**
 * The one text parser of IP addresses (docs/design.md, "Matching
 * semantics"). Every reader, the matching index and the warninglists call
 * it; nothing else in Sightline reads an address from text. (The capture
 * decoder reads binary IP headers, which are no text.)
 *
 * Grammar, one for every entry point:
 *
 * - IPv4 is RFC 3986's `IPv4address`: four `dec-octet`s joined by `.`, each
 *   0–255 written without a leading zero (`0` alone is fine, `01` is not,
 *   so no octal reading is ever guessed), ASCII digits only. Exactly what
 *   Node's `net.isIPv4` accepts.
 * - IPv6 is RFC 4291 §2.2 (RFC 3986's `IPv6address`): eight groups of 1–4
 *   hex digits (any case) joined by `:`; one `::` may stand for one or more
 *   zero groups; the last two groups may be written as an IPv4 address as
 *   above. Then, optionally, a zone: `%` and one or more RFC 3986 unreserved
 *   characters (letters, digits, `-._~`; RFC 6874), which is dropped.
 *   Without a zone this is exactly what Node's `net.isIPv6` accepts.
 *   `parseIPv6` alone also accepts the whole address in `[` `]`, as URLs
 *   and logs write it.
 * - No white space anywhere: callers trim.
 *
 * The IPv4 grammar has two scanners, one over a string's UTF-16 units and
 * one over bytes, because a hot path may hold either and neither may
 * allocate; ip.test.ts checks that they agree on every input. IPv6 has one
 * scanner, over strings.
 */

/** Shortest and longest IPv4 address text: `0.0.0.0`, `255.255.255.255`. */
const MIN_IPV4_CHARS = 7;
const MAX_IPV4_CHARS = 15;

/** Reads one ASCII character code's hex digit value, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Whether `c` is an RFC 3986 unreserved character: ALPHA, DIGIT, `-`, `.`, `_`, `~`. */
function isUnreserved(c: number): boolean {
  const l = c | 0x20;
  return (l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
}

/**
 * Parses the IPv4 address `s[start, end)` without allocating: an unsigned
 * 32-bit number, or -1 when it is none.
 */
export function parseIPv4At(s: string, start: number, end: number): number {
  const len = end - start;
  if (len < MIN_IPV4_CHARS || len > MAX_IPV4_CHARS) return -1;
  let n = 0;
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || s.charCodeAt(i) !== 0x2e) return -1;
      i++;
    }
    const first = i;
    let v = 0;
    while (i < end && i - first < 4) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 3 || v > 255 || (digits > 1 && s.charCodeAt(first) === 0x30)) return -1;
    n = n * 256 + v;
  }
  return i === end ? n : -1;
}

/**
 * Parses the IPv4 address in bytes `b[start, end)` (ASCII) without
 * allocating: an unsigned 32-bit number, or -1. The same grammar as
 * parseIPv4At, line for line.
 */
export function parseIPv4Bytes(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < MIN_IPV4_CHARS || len > MAX_IPV4_CHARS) return -1;
  let n = 0;
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || b[i] !== 0x2e) return -1;
      i++;
    }
    const first = i;
    let v = 0;
    while (i < end && i - first < 4) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 3 || v > 255 || (digits > 1 && b[first] === 0x30)) return -1;
    n = n * 256 + v;
  }
  return i === end ? n : -1;
}

/** Whether bytes `b[start, end)` are an IPv4 address (see parseIPv4Bytes). */
export function isIPv4Bytes(b: Uint8Array, start: number, end: number): boolean {
  return parseIPv4Bytes(b, start, end) >= 0;
}

/** Parses an IPv4 address into an unsigned 32-bit number, or null. */
export function parseIPv4(s: string): number | null {
  const n = parseIPv4At(s, 0, s.length);
  return n < 0 ? null : n;
}

/**
 * Parses the IPv6 address `s[start, end)` (a zone allowed and dropped; no
 * brackets) into its eight 16-bit groups in `out`, without allocating.
 * Returns false, `out` then holding garbage, when it is none.
 */
export function parseIPv6At(s: string, start: number, end: number, out: Uint16Array): boolean {
  let stop = end;
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) === 0x25) { stop = i; break; }
  }
  if (stop < end) {
    if (stop + 1 === end) return false;
    for (let i = stop + 1; i < end; i++) if (!isUnreserved(s.charCodeAt(i))) return false;
  }
  if (stop - start < 2) return false;
  let i = start;
  let n = 0;
  /** Where `::` stands in the groups read, or -1. */
  let gap = -1;
  if (s.charCodeAt(i) === 0x3a) {
    if (s.charCodeAt(i + 1) !== 0x3a) return false;
    gap = 0;
    i += 2;
  }
  while (i < stop) {
    const first = i;
    let v = 0;
    while (i < stop && i - first < 5) {
      const d = hexValue(s.charCodeAt(i));
      if (d < 0) break;
      v = v * 16 + d;
      i++;
    }
    if (i === first) return false;
    if (i < stop && s.charCodeAt(i) === 0x2e) {
      // The last two groups written as an IPv4 address (`::ffff:192.0.2.1`).
      if (n > 6) return false;
      const v4 = parseIPv4At(s, first, stop);
      if (v4 < 0) return false;
      out[n++] = v4 >>> 16;
      out[n++] = v4 & 0xffff;
      break;
    }
    if (i - first > 4 || n === 8) return false;
    out[n++] = v;
    if (i === stop) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i === stop) return false; // a trailing single `:`
    if (s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false; // a second `::`
      gap = n;
      i++;
    }
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false; // `::` stands for at least one group
  const tail = n - gap;
  for (let k = tail - 1; k >= 0; k--) out[8 - tail + k] = out[gap + k]!;
  for (let k = gap; k < 8 - tail; k++) out[k] = 0;
  return true;
}

/** Parses an IPv6 address (optionally in `[` `]`, a zone dropped) into its eight 16-bit groups, or null. */
export function parseIPv6(s: string): number[] | null {
  let start = 0;
  let end = s.length;
  if (end >= 2 && s.charCodeAt(0) === 0x5b && s.charCodeAt(end - 1) === 0x5d) { start++; end--; }
  const g = new Uint16Array(8);
  return parseIPv6At(s, start, end, g) ? Array.from(g) : null;
}

/** Dotted-decimal text of an unsigned 32-bit IPv4 address. */
export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * RFC 5952 text form of eight 16-bit groups: lower-case, no leading zeros,
 * the longest run of two or more zero groups (the first of equals) as `::`,
 * an IPv4-mapped address as `::ffff:a.b.c.d` (§5).
 */
export function formatIPv6(g: ArrayLike<number>): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(((g[6]! << 16) | g[7]!) >>> 0)}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = Array.from({ length: 8 }, (_v, i) => g[i]!.toString(16));
  if (bestLen < 2) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** An IPv6 address in RFC 5952 form, or null when it is none. */
export function canonicalIPv6(s: string): string | null {
  const g = parseIPv6(s);
  return g ? formatIPv6(g) : null;
}

/** An address (white space around it ignored) in canonical text form with its family, or null. */
export function normalizeIp(s: string): { family: 4 | 6; value: string } | null {
  const t = s.trim();
  if (t.indexOf(':') < 0) {
    const n = parseIPv4(t);
    return n === null ? null : { family: 4, value: formatIPv4(n) };
  }
  const v6 = canonicalIPv6(t);
  return v6 === null ? null : { family: 6, value: v6 };
}
