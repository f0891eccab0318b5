/**
 * Reads ip-location-db's ASN CSV files into sorted range tables
 * (docs/design.md, "Enrichment"). Lines are
 *
 *     start,end,asn,organisation
 *
 * with `start` and `end` an inclusive range: unsigned decimal numbers in
 * `asn-ipv4-num.csv`, IPv6 addresses in `asn-ipv6.csv` (read by core/ip.ts).
 * The organisation is an RFC 4180 field, quoted when it holds a comma or a
 * quote (`"LLC ""SPUTNIK"""`).
 *
 * The IPv4 file is parsed byte by byte, building no string per line: only
 * the organisation of an AS number not met before is decoded (the files give
 * one organisation per AS number, so the first is kept). The IPv6 file is
 * viewed as a latin1 string (one character per byte, so character offsets
 * are byte offsets) for core/ip.ts's IPv6 scanner.
 *
 * A line that does not parse is counted and skipped, never fatal. Ranges
 * are sorted by start; where two overlap, the later-starting one wins where
 * they overlap (the earlier one's end is cut), so a binary search on the
 * starts finds at most one range.
 */
import { parseIPv6At } from '../core/ip.js';

/** Longest organisation name kept, in bytes (the longest in the data is 169). */
export const MAX_ORG_BYTES = 1024;
/** Largest AS number (32-bit AS numbers, RFC 6793). */
const MAX_ASN = 0xffffffff;
/** AS numbers below this are indexed directly (all but a handful of those in use are). */
const SMALL_ASNS = 1 << 20;

/** Sorted, non-overlapping address ranges with their AS numbers and organisations. */
export interface AsnTable {
  /** 1 (IPv4) or 4 (IPv6): 32-bit big-endian words per address. */
  words: 1 | 4;
  /** Number of ranges. */
  count: number;
  /** Range starts, `words` per range, ascending. */
  starts: Uint32Array;
  /** Inclusive range ends, `words` per range. */
  ends: Uint32Array;
  /** Per range, an index into `asns` and `names`. */
  orgs: Uint32Array;
  /** AS number per organisation index. */
  asns: Uint32Array;
  /** Organisation name per organisation index. */
  names: string[];
  /** Lines that did not parse (skipped). */
  skipped: number;
  /** Ranges cut because the next one started inside them. */
  clipped: number;
}

/** Growable Uint32Array. */
class U32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Uint32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  done(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/** Collects ranges and the organisation table. */
class TableBuilder {
  readonly starts: U32;
  readonly ends: U32;
  readonly orgs: U32;
  readonly asns = new U32(1024);
  readonly names: string[] = [];
  /** Organisation index + 1 per AS number below SMALL_ASNS (0: not met yet); a Map for the few larger ones. */
  readonly bySmallAsn = new Int32Array(SMALL_ASNS);
  readonly byAsn = new Map<number, number>();
  skipped = 0;

  constructor(readonly words: 1 | 4, expectedRows: number) {
    this.starts = new U32(expectedRows * words);
    this.ends = new U32(expectedRows * words);
    this.orgs = new U32(expectedRows);
  }

  /** The organisation index of `asn`, decoding its name from `data[from, to)` only when it is new. */
  org(asn: number, data: Buffer, from: number, to: number, quoted: boolean): number {
    const known = asn < SMALL_ASNS ? this.bySmallAsn[asn]! - 1 : this.byAsn.get(asn) ?? -1;
    if (known >= 0) return known;
    let name = data.toString('utf8', from, to);
    if (quoted) name = name.replace(/""/g, '"');
    const idx = this.names.length;
    this.names.push(name.trim());
    this.asns.push(asn);
    if (asn < SMALL_ASNS) this.bySmallAsn[asn] = idx + 1; else this.byAsn.set(asn, idx);
    return idx;
  }

  finish(): AsnTable {
    const W = this.words;
    let starts = this.starts.done();
    let ends = this.ends.done();
    let orgs = this.orgs.done();
    const count = orgs.length;
    if (!isSorted(starts, W, count)) ({ starts, ends, orgs } = sortRows(starts, ends, orgs, W, count));
    let clipped = 0;
    for (let i = 1; i < count; i++) {
      // An overlap: the range before ends at or after this one's start.
      if (compare(ends, (i - 1) * W, starts, i * W, W) >= 0) {
        setPredecessor(ends, (i - 1) * W, starts, i * W, W);
        clipped++;
      }
    }
    return { words: W, count, starts, ends, orgs, asns: this.asns.done(), names: this.names, skipped: this.skipped, clipped };
  }
}

/** Compares word-keys a[ai..] and b[bi..]. */
export function compare(a: Uint32Array, ai: number, b: Uint32Array, bi: number, W: number): number {
  for (let w = 0; w < W; w++) {
    const x = a[ai + w]!, y = b[bi + w]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function isSorted(starts: Uint32Array, W: number, count: number): boolean {
  for (let i = 1; i < count; i++) if (compare(starts, (i - 1) * W, starts, i * W, W) > 0) return false;
  return true;
}

function sortRows(starts: Uint32Array, ends: Uint32Array, orgs: Uint32Array, W: number, count: number) {
  const order = Array.from({ length: count }, (_v, i) => i).sort((a, b) => compare(starts, a * W, starts, b * W, W) || a - b);
  const s = new Uint32Array(count * W), e = new Uint32Array(count * W), o = new Uint32Array(count);
  order.forEach((j, i) => {
    s.set(starts.subarray(j * W, j * W + W), i * W);
    e.set(ends.subarray(j * W, j * W + W), i * W);
    o[i] = orgs[j]!;
  });
  return { starts: s, ends: e, orgs: o };
}

/** Sets the key at ends[ei..] to the key at starts[si..] minus one (starts[si..] > 0 here). */
function setPredecessor(ends: Uint32Array, ei: number, starts: Uint32Array, si: number, W: number): void {
  let borrow = true;
  for (let w = W - 1; w >= 0; w--) {
    const v = starts[si + w]!;
    if (borrow) {
      ends[ei + w] = v === 0 ? 0xffffffff : v - 1;
      borrow = v === 0;
    } else ends[ei + w] = v;
  }
}

/**
 * Reads an unsigned decimal in data[i, …) up to `stop` (a byte): the value,
 * or -1 when there are no digits, more than 10, or it exceeds 2^32 - 1.
 * `pos.i` is left on the stop byte.
 */
function readU32(data: Buffer, pos: { i: number }, stop: number): number {
  let i = pos.i;
  const first = i;
  let v = 0;
  const end = data.length;
  while (i < end) {
    const c = data[i]!;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    i++;
  }
  pos.i = i;
  if (i === first || i - first > 10 || v > MAX_ASN || data[i] !== stop) return -1;
  return v;
}

/**
 * Reads `asn,organisation` and the line end from `pos.i`; adds the row. False
 * when the rest of the line does not parse (nothing added).
 */
function readAsnAndOrg(b: TableBuilder, data: Buffer, pos: { i: number }, start: ArrayLike<number>, end: ArrayLike<number>): boolean {
  const asn = readU32(data, pos, 0x2c);
  if (asn < 0) return false;
  let i = pos.i + 1;
  const n = data.length;
  let from: number, to: number;
  let quoted = false;
  if (data[i] === 0x22) {
    from = ++i;
    for (;;) {
      // A quote left open ends the line's chances, not the file's: no line breaks inside a name.
      if (i >= n || data[i] === 0x0a || i - from > MAX_ORG_BYTES) return false;
      if (data[i] === 0x22) {
        if (data[i + 1] === 0x22) { quoted = true; i += 2; continue; }
        break;
      }
      i++;
    }
    to = i++;
    if (data[i] === 0x0d) i++;
    if (i < n && data[i] !== 0x0a) return false;
  } else {
    from = i;
    while (i < n && data[i] !== 0x0a) {
      if (data[i] === 0x22) return false;
      i++;
    }
    to = i > from && data[i - 1] === 0x0d ? i - 1 : i;
  }
  pos.i = i;
  if (to - from > MAX_ORG_BYTES) return false;
  const org = b.org(asn, data, from, to, quoted);
  for (let w = 0; w < b.words; w++) {
    b.starts.push(start[w]!);
    b.ends.push(end[w]!);
  }
  b.orgs.push(org);
  return true;
}

/** Moves `pos.i` past the end of the current line. */
function skipLine(data: Buffer, pos: { i: number }): void {
  const nl = data.indexOf(0x0a, pos.i);
  pos.i = nl < 0 ? data.length : nl + 1;
}

/** Parses `asn-ipv4-num.csv` (numeric IPv4 ranges). */
export function parseAsnCsvV4(data: Buffer): AsnTable {
  const b = new TableBuilder(1, data.length >>> 5);
  const pos = { i: 0 };
  const start = [0], end = [0];
  const n = data.length;
  while (pos.i < n) {
    if (data[pos.i] === 0x0a) { pos.i++; continue; }
    const s = readU32(data, pos, 0x2c);
    let ok = s >= 0;
    if (ok) {
      pos.i++;
      const e = readU32(data, pos, 0x2c);
      ok = e >= s;
      if (ok) {
        pos.i++;
        start[0] = s;
        end[0] = e;
        ok = readAsnAndOrg(b, data, pos, start, end);
      }
    }
    if (!ok) b.skipped++;
    skipLine(data, pos);
  }
  return b.finish();
}

/** Parses `asn-ipv6.csv` (IPv6 ranges as text). */
export function parseAsnCsvV6(data: Buffer): AsnTable {
  const b = new TableBuilder(4, data.length >>> 6);
  const text = data.toString('latin1');
  const pos = { i: 0 };
  const g = new Uint16Array(8);
  const start = new Uint32Array(4), end = new Uint32Array(4);
  const n = data.length;
  while (pos.i < n) {
    const i = pos.i;
    if (data[i] === 0x0a) { pos.i++; continue; }
    const c1 = text.indexOf(',', i);
    const nl = text.indexOf('\n', i);
    const lineEnd = nl < 0 ? n : nl;
    const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
    let ok = c1 >= 0 && c2 >= 0 && c2 < lineEnd && parseIPv6At(text, i, c1, g);
    if (ok) {
      toWords(g, start);
      ok = parseIPv6At(text, c1 + 1, c2, g);
      if (ok) {
        toWords(g, end);
        ok = compare(start, 0, end, 0, 4) <= 0;
      }
    }
    if (ok) {
      pos.i = c2 + 1;
      ok = readAsnAndOrg(b, data, pos, start, end);
    }
    if (!ok) b.skipped++;
    pos.i = Math.max(pos.i, i);
    skipLine(data, pos);
  }
  return b.finish();
}

function toWords(g: Uint16Array, out: Uint32Array): void {
  for (let w = 0; w < 4; w++) out[w] = ((g[2 * w]! << 16) | g[2 * w + 1]!) >>> 0;
}
