/**
 * The indicator index a hunt builds once from a case's indicators and looks
 * every observation up in (docs/design.md, "Matching semantics"). All of it lives
 * in SharedArrayBuffers: `toShared()` hands worker threads the same memory,
 * `fromShared()` wraps it again without copying or rebuilding.
 *
 * - domain: the name and every parent name are looked up (a TLD-level
 *   indicator such as `com` therefore matches every name under .com);
 * - ip: exact addresses and CIDRs of both families; an IPv4-mapped IPv6
 *   observation (`::ffff:192.0.2.1`) is also looked up as IPv4;
 * - url: equal; or equal without the request's query (indicator without
 *   query); or, for an indicator ending in `/`, a prefix of the request;
 * - hash: by length (32 md5, 40 sha1, 64 sha256), any case;
 * - imphash: a PE import hash, 32 hex digits, any case (its own table: an
 *   md5 is never looked up as an import hash, nor the other way round);
 * - filename: the base name, case-insensitive; email: normalizeEmail.
 */
import type { IndicatorType, ObservedKind } from '../core/model.js';
import { normalizeEmail, normalizeUrl, parseIPv6 } from '../core/normalize.js';
import { AddressSet, AddressSetBuilder, type SharedAddressSet } from './address-index.js';
import { DigestSet, DigestSetBuilder, type SharedDigestSet } from './digest-index.js';
import {
  hasFfffBytes, normalizeObserved, parseDigestWords, writeDomain, writeFilename, writeUtf8,
} from './observed-values.js';
import { parseIPv4At, parseIPv4Bytes } from '../core/ip.js';
import {
  HASH_SEED, StringTable, StringTableBuilder, hashBytesReverse, type SharedStringTable,
} from './string-table.js';
import { allocSharedU8, viewU8 } from './shared-memory.js';

/** A shared byte array with the memoryBytes() every index part has. */
class ByteSet {
  constructor(readonly bytes: Uint8Array) {}
  memoryBytes(): number { return this.bytes.byteLength; }
}

/** Scratch for one normalised observed value; longer URLs are compared on their first this-many bytes only. */
const MAX_OBSERVED_BYTES = 64 * 1024;
const SHARED_FORMAT = 'sightline-index/1';
/**
 * Domain "shapes" present, one byte per (label count, length) pair (a name
 * has at most 127 labels and 253 bytes): a suffix of an observed name whose
 * shape no indicator has is never probed, so small indicator sets cost
 * almost nothing per lookup.
 */
const SHAPE_BYTES = 128 * 256;
/** Longest domain name (RFC 1035): a longer one is never normalised, so never matches. */
const MAX_DOMAIN_BYTES = 253;

/** One indicator to index: `value` normalised as stored; `yara` and `sinkhole` entries are ignored. */
export interface IndexEntry {
  /** Caller's number for the indicator (an unsigned 32-bit integer); `match` reports it. */
  id: number;
  type: IndicatorType;
  value: string;
}

/** Adds entries one at a time (`yara` and `sinkhole` entries are ignored, invalid ones counted as skipped), then builds the index once. */
export interface IndexBuilder {
  add(e: IndexEntry): void;
  finish(): IndicatorIndex;
}

/** The transferable form of an IndicatorIndex: SharedArrayBuffers plus small metadata (structured-clone it to a worker). */
export interface SharedIndex {
  format: typeof SHARED_FORMAT;
  size: number;
  skipped: number;
  domain: SharedStringTable;
  domainShapes: SharedArrayBuffer;
  filename: SharedStringTable;
  email: SharedStringTable;
  urlExact: SharedStringTable;
  urlPrefix: SharedStringTable;
  v4: SharedAddressSet;
  v6: SharedAddressSet;
  md5: SharedDigestSet;
  sha1: SharedDigestSet;
  sha256: SharedDigestSet;
  imphash: SharedDigestSet;
}

interface Parts {
  domain: StringTable;
  domainShapes: ByteSet;
  filename: StringTable;
  email: StringTable;
  urlExact: StringTable;
  urlPrefix: StringTable;
  v4: AddressSet;
  v6: AddressSet;
  md5: DigestSet;
  sha1: DigestSet;
  sha256: DigestSet;
  imphash: DigestSet;
}

/** Looks observations up among a case's indicators (see the file comment). */
export class IndicatorIndex {
  private readonly bytes = new Uint8Array(MAX_OBSERVED_BYTES);
  private readonly words = new Uint32Array(8);
  /** Scratch ids for mayMatchBytes (emptied after every use). */
  private readonly probeIds: number[] = [];

  private constructor(
    private readonly parts: Parts,
    /** Number of indicators indexed. */
    readonly size: number,
    /** Entries left out because their value was no valid value of their type (or their id no unsigned 32-bit integer). */
    readonly skipped: number,
  ) {}

  /** Builds the index. Entries whose value is not valid for their type are counted in `skipped`, not thrown. */
  static build(entries: Iterable<IndexEntry>): IndicatorIndex {
    const b = IndicatorIndex.builder();
    for (const e of entries) b.add(e);
    return b.finish();
  }

  /**
   * An incremental build, for entries that arrive a page at a time (from a
   * store, awaited between pages): nothing of an entry is kept once added.
   */
  static builder(): IndexBuilder {
    const b: Builders = {
      domain: new StringTableBuilder(), domainShapes: allocSharedU8(SHAPE_BYTES), filename: new StringTableBuilder(), email: new StringTableBuilder(),
      urlExact: new StringTableBuilder(), urlPrefix: new StringTableBuilder(),
      v4: new AddressSetBuilder(1), v6: new AddressSetBuilder(4),
      md5: new DigestSetBuilder(4), sha1: new DigestSetBuilder(5), sha256: new DigestSetBuilder(8), imphash: new DigestSetBuilder(4),
    };
    const bytes = new Uint8Array(MAX_OBSERVED_BYTES);
    const words = new Uint32Array(8);
    let size = 0;
    let skipped = 0;
    let finished = false;
    return {
      add(e: IndexEntry): void {
        if (finished) throw new Error('index builder already finished');
        // Rules are matched by YARA-X; a sinkhole stands for a campaign's C2 and is matched by no observation.
        if (e.type === 'yara' || e.type === 'sinkhole') return;
        const ok = Number.isInteger(e.id) && e.id >= 0 && e.id <= 0xffffffff && typeof e.value === 'string'
          && addEntry(b, e, bytes, words);
        if (ok) size++; else skipped++;
      },
      finish(): IndicatorIndex {
        if (finished) throw new Error('index builder already finished');
        finished = true;
        const parts: Parts = {
          domain: b.domain.finish(), domainShapes: new ByteSet(b.domainShapes), filename: b.filename.finish(), email: b.email.finish(),
          urlExact: b.urlExact.finish(), urlPrefix: b.urlPrefix.finish(), v4: b.v4.finish(), v6: b.v6.finish(),
          md5: b.md5.finish(), sha1: b.sha1.finish(), sha256: b.sha256.finish(), imphash: b.imphash.finish(),
        };
        return new IndicatorIndex(parts, size, skipped);
      },
    };
  }

  /** Wraps a shared form (from `toShared`, possibly in another thread) without copying. */
  static fromShared(s: SharedIndex): IndicatorIndex {
    if (s === null || typeof s !== 'object' || s.format !== SHARED_FORMAT) throw new TypeError('not a shared indicator index');
    const parts: Parts = {
      domain: StringTable.fromShared(s.domain), domainShapes: new ByteSet(viewU8(s.domainShapes, SHAPE_BYTES)), filename: StringTable.fromShared(s.filename),
      email: StringTable.fromShared(s.email), urlExact: StringTable.fromShared(s.urlExact),
      urlPrefix: StringTable.fromShared(s.urlPrefix), v4: AddressSet.fromShared(s.v4), v6: AddressSet.fromShared(s.v6),
      md5: DigestSet.fromShared(s.md5), sha1: DigestSet.fromShared(s.sha1), sha256: DigestSet.fromShared(s.sha256),
      imphash: DigestSet.fromShared(s.imphash),
    };
    return new IndicatorIndex(parts, s.size, s.skipped);
  }

  /** A compact, transferable form: SharedArrayBuffers + small metadata, so worker threads share ONE copy. */
  toShared(): SharedIndex {
    const p = this.parts;
    return {
      format: SHARED_FORMAT, size: this.size, skipped: this.skipped,
      domain: p.domain.toShared(), domainShapes: p.domainShapes.bytes.buffer as SharedArrayBuffer, filename: p.filename.toShared(), email: p.email.toShared(),
      urlExact: p.urlExact.toShared(), urlPrefix: p.urlPrefix.toShared(), v4: p.v4.toShared(), v6: p.v6.toShared(),
      md5: p.md5.toShared(), sha1: p.sha1.toShared(), sha256: p.sha256.toShared(), imphash: p.imphash.toShared(),
    };
  }

  /** Bytes held by the index's own structures (shared buffers; not the per-instance 64 KiB scratch). */
  memoryBytes(): number {
    let total = 0;
    for (const part of Object.values(this.parts) as Array<{ memoryBytes(): number }>) total += part.memoryBytes();
    return total;
  }

  /** Pushes the ids of every indicator the observation matches into `out` (cleared by the caller). Returns the number pushed. */
  match(kind: ObservedKind, value: string, out: number[]): number {
    switch (kind) {
      case 'domain': return this.matchDomain(value, out);
      case 'ip': return this.matchIp(value, out);
      case 'url': return this.matchUrl(value, out);
      case 'hash': return this.matchDigest(value, out);
      case 'imphash': {
        if (this.parts.imphash.count === 0) return 0;
        return parseDigestWords(value, this.words) === 4 ? this.parts.imphash.lookup(this.words, out) : 0;
      }
      case 'filename': return this.matchText(this.parts.filename, writeFilename(value, this.bytes), out);
      case 'email': {
        if (this.parts.email.count === 0) return 0;
        const e = normalizeEmail(value);
        return e === null ? 0 : this.matchText(this.parts.email, writeUtf8(e, this.bytes), out);
      }
      default: return 0;
    }
  }

  /**
   * Whether an observation of `kind` whose value is the UTF-8 text b[s, e)
   * may match: false only when `match` would find nothing for it. Plain
   * ASCII domain names and dotted-quad IPv4 addresses are decided exactly,
   * on the bytes, with the same tables `match` uses (nothing extra to build
   * or share); anything it cannot rule out cheaply (non-ASCII, white space,
   * IPv6 when IPv6 indicators exist, other kinds when their table has
   * entries) is "maybe". Lets a reader build strings and observations only
   * for values that can match.
   */
  mayMatchBytes(kind: ObservedKind, b: Uint8Array, s: number, e: number): boolean {
    switch (kind) {
      case 'domain': return this.mayMatchDomainBytes(b, s, e);
      case 'ip': return this.mayMatchIpBytes(b, s, e);
      default: return this.mayMatchKind(kind);
    }
  }

  /** The name's suffixes looked up as matchDomain does, lower-casing the bytes on the way; any byte the fast normaliser would not keep as it is means "maybe". */
  private mayMatchDomainBytes(b: Uint8Array, s: number, e: number): boolean {
    const table = this.parts.domain;
    if (table.count === 0) return false;
    if (e > s && b[e - 1] === 0x2e) e--;
    const len = e - s;
    if (len <= 0) return false;
    if (len > MAX_DOMAIN_BYTES) return true; // never a valid name, but leave that to match
    const bytes = this.bytes;
    const shapes = this.parts.domainShapes.bytes;
    const ids = this.probeIds;
    let h = HASH_SEED;
    let labels = 1;
    for (let i = len - 1; i >= 0; i--) {
      let c = b[s + i]!;
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f)) return true;
      bytes[i] = c;
      h = Math.imul(h ^ c, 0x01000193); // reverseHashStep, inlined
      if (i === 0 || b[s + i - 1] === 0x2e) {
        if (shapes[(labels << 8) | (len - i)] !== 0 && table.lookup(bytes, i, len, h, ids) !== 0) {
          ids.length = 0;
          return true;
        }
        labels++;
      }
    }
    return false;
  }

  /** Dotted-quad IPv4 exactly; other text "maybe", except IPv6 when only IPv4 indicators exist and it cannot be IPv4-mapped. */
  private mayMatchIpBytes(b: Uint8Array, s: number, e: number): boolean {
    const { v4, v6 } = this.parts;
    if (v4.count === 0 && v6.count === 0) return false;
    const n = parseIPv4Bytes(b, s, e);
    if (n >= 0) return this.mayMatchIPv4(n);
    if (v6.count !== 0) return true;
    let colon = false;
    for (let i = s; i < e && !colon; i++) colon = b[i] === 0x3a;
    // No colon: IPv4 text with white space around it (match trims); let match decide.
    return !colon || hasFfffBytes(b, s, e);
  }

  /** Whether an observed dotted quad, parsed (`addr`: parseIPv4Bytes), may match: exactly, by the IPv4 networks. */
  mayMatchIPv4(addr: number): boolean {
    const v4 = this.parts.v4;
    if (v4.count === 0 || !v4.mayHoldV4(addr)) return false;
    const ids = this.probeIds;
    if (v4.lookupV4(addr, ids) === 0) return false;
    ids.length = 0;
    return true;
  }

  /** False only when no observation of `kind` can match whatever its value: the tables mayMatchBytes and match consult for it are empty. */
  mayMatchKind(kind: ObservedKind): boolean {
    const p = this.parts;
    switch (kind) {
      case 'domain': return p.domain.count !== 0;
      case 'ip': return p.v4.count !== 0 || p.v6.count !== 0;
      case 'url': return p.urlExact.count !== 0 || p.urlPrefix.count !== 0;
      case 'hash': return p.md5.count !== 0 || p.sha1.count !== 0 || p.sha256.count !== 0;
      case 'imphash': return p.imphash.count !== 0;
      case 'filename': return p.filename.count !== 0;
      case 'email': return p.email.count !== 0;
      default: return true;
    }
  }

  /** The normalised form of the observed value (for the sighting's `matched`: e.g. 'www.example.net'), or the raw value when it has none. */
  matchedValue(kind: ObservedKind, value: string): string {
    return normalizeObserved(kind, value) ?? value;
  }

  private matchDomain(value: string, out: number[]): number {
    const table = this.parts.domain;
    if (table.count === 0) return 0;
    const bytes = this.bytes;
    const shapes = this.parts.domainShapes.bytes;
    const len = writeDomain(value, bytes);
    let pushed = 0;
    let h = HASH_SEED;
    let labels = 1;
    for (let i = len - 1; i >= 0; i--) {
      h = Math.imul(h ^ bytes[i]!, 0x01000193); // reverseHashStep, inlined
      if (i === 0 || bytes[i - 1] === 0x2e) {
        if (shapes[(labels << 8) | (len - i)] !== 0) pushed += table.lookup(bytes, i, len, h, out);
        labels++;
      }
    }
    return pushed;
  }

  private matchIp(value: string, out: number[]): number {
    const { v4, v6 } = this.parts;
    if (v4.count === 0 && v6.count === 0) return 0;
    if (value.indexOf(':') < 0) {
      let n = parseIPv4At(value, 0, value.length);
      if (n < 0) {
        const t = value.trim();
        if (t.length === value.length) return 0;
        n = parseIPv4At(t, 0, t.length);
        if (n < 0) return 0;
      }
      return v4.count === 0 ? 0 : v4.lookupV4(n, out);
    }
    const g = parseIPv6(value.trim());
    if (g === null) return 0;
    let pushed = 0;
    if (v6.count !== 0) {
      const w = this.words;
      for (let k = 0; k < 4; k++) w[k] = ((g[2 * k]! << 16) | g[2 * k + 1]!) >>> 0;
      pushed += v6.lookupV6(w, out);
    }
    if (v4.count !== 0 && g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
      pushed += v4.lookupV4(((g[6]! << 16) | g[7]!) >>> 0, out);
    }
    return pushed;
  }

  private matchUrl(value: string, out: number[]): number {
    const { urlExact, urlPrefix } = this.parts;
    if (urlExact.count === 0 && urlPrefix.count === 0) return 0;
    const u = normalizeUrl(value);
    if (u === null) return 0;
    const bytes = this.bytes;
    const r = writeUtf8(u, bytes);
    const written = r >= 0 ? r : -r - 1;
    let pushed = 0;
    if (r >= 0 && urlExact.count !== 0) {
      pushed += urlExact.lookup(bytes, 0, r, hashBytesReverse(bytes, 0, r), out);
      let q = 0;
      while (q < r && bytes[q] !== 0x3f) q++;
      if (q < r) pushed += urlExact.lookup(bytes, 0, q, hashBytesReverse(bytes, 0, q), out);
    }
    if (urlPrefix.count !== 0) {
      for (let p = 0; p < written; p++) {
        if (bytes[p] === 0x2f) pushed += urlPrefix.lookup(bytes, 0, p + 1, hashBytesReverse(bytes, 0, p + 1), out);
      }
    }
    return pushed;
  }

  private matchDigest(value: string, out: number[]): number {
    const words = this.words;
    switch (parseDigestWords(value, words)) {
      case 4: return this.parts.md5.lookup(words, out);
      case 5: return this.parts.sha1.lookup(words, out);
      case 8: return this.parts.sha256.lookup(words, out);
      default: return 0;
    }
  }

  private matchText(table: StringTable, len: number, out: number[]): number {
    if (len < 0 || table.count === 0) return 0;
    return table.lookup(this.bytes, 0, len, hashBytesReverse(this.bytes, 0, len), out);
  }
}

type Builders = {
  domain: StringTableBuilder; domainShapes: Uint8Array; filename: StringTableBuilder; email: StringTableBuilder;
  urlExact: StringTableBuilder; urlPrefix: StringTableBuilder;
  v4: AddressSetBuilder; v6: AddressSetBuilder; md5: DigestSetBuilder; sha1: DigestSetBuilder; sha256: DigestSetBuilder;
  imphash: DigestSetBuilder;
};

const DIGEST_WORDS: Partial<Record<IndicatorType, number>> = { md5: 4, sha1: 5, sha256: 8 };

/** Adds one entry to its builder; false when its value is not valid for its type. */
function addEntry(b: Builders, e: IndexEntry, bytes: Uint8Array, words: Uint32Array): boolean {
  const v = e.value;
  switch (e.type) {
    case 'domain': {
      const len = writeDomain(v, bytes);
      if (len <= 0 || !b.domain.add(bytes, 0, len, e.id)) return false;
      let labels = 1;
      for (let i = 0; i < len; i++) if (bytes[i] === 0x2e) labels++;
      b.domainShapes[(labels << 8) | len] = 1;
      return true;
    }
    case 'filename': {
      const len = writeFilename(v, bytes);
      return len > 0 && b.filename.add(bytes, 0, len, e.id);
    }
    case 'email': {
      const n = normalizeEmail(v);
      const len = n === null ? -1 : writeUtf8(n, bytes);
      return len > 0 && b.email.add(bytes, 0, len, e.id);
    }
    case 'url': {
      const n = normalizeUrl(v);
      const len = n === null ? -1 : writeUtf8(n, bytes);
      if (len <= 0) return false;
      return (bytes[len - 1] === 0x2f ? b.urlPrefix : b.urlExact).add(bytes, 0, len, e.id);
    }
    case 'ipv4': {
      const n = parseIPv4At(v, 0, v.length);
      if (n < 0) return false;
      words[0] = n;
      b.v4.add(words, 32, e.id);
      return true;
    }
    case 'ipv6': return addV6(b, v, 128, e.id, words);
    case 'cidr': {
      const slash = v.indexOf('/');
      const lenText = v.slice(slash + 1);
      if (slash < 0 || !/^\d{1,3}$/.test(lenText)) return false;
      const len = Number(lenText);
      if (v.indexOf(':') >= 0) return len <= 128 && addV6(b, v.slice(0, slash), len, e.id, words);
      const n = parseIPv4At(v, 0, slash);
      if (n < 0 || len > 32) return false;
      words[0] = n;
      b.v4.add(words, len, e.id);
      return true;
    }
    case 'md5': case 'sha1': case 'sha256': {
      const w = parseDigestWords(v, words);
      if (w !== DIGEST_WORDS[e.type]) return false;
      (w === 4 ? b.md5 : w === 5 ? b.sha1 : b.sha256).add(words, e.id);
      return true;
    }
    case 'imphash': {
      if (parseDigestWords(v, words) !== 4) return false;
      b.imphash.add(words, e.id);
      return true;
    }
    default: return false;
  }
}

function addV6(b: Builders, text: string, len: number, id: number, words: Uint32Array): boolean {
  const g = parseIPv6(text);
  if (g === null) return false;
  for (let k = 0; k < 4; k++) words[k] = ((g[2 * k]! << 16) | g[2 * k + 1]!) >>> 0;
  b.v6.add(words, len, id);
  return true;
}
