/**
 * An IndicatorIndex as one file, so a case can keep the index it built and a
 * later hunt can load it instead of building it again (docs/design.md,
 * "Layout", the index cache). Only the encoding is here (bytes in, bytes
 * out); hunt/index-cache.ts reads and writes the file.
 *
 * Layout (integers little-endian):
 *
 *   offset  bytes  field
 *   0       8      magic `SLINDEX\n`
 *   8       4      FILE_VERSION
 *   12      4      H: length of the header text
 *   16      32     sha256 of the header text
 *   48      H      header: UTF-8 JSON (below)
 *   48 + H  …      the index's SharedArrayBuffers, one after the other, no padding
 *
 * The header holds the caller's metadata, the layout fingerprint, the index's
 * shared form with every SharedArrayBuffer replaced by `{"$buf": i}`, the
 * length of each buffer, and the sha256 of all buffer bytes. Loading is one
 * sequential read into fresh SharedArrayBuffers and a hash over them: no
 * per-entry work. The file lives in the user's case folder and may be damaged
 * or stale: any mismatch (magic, version, a checksum, a length, the layout
 * fingerprint, a shape the index refuses) is an error returned as data, and
 * the caller builds the index again.
 *
 * The layout fingerprint is the sha256 of a tiny index built from fixed
 * entries, serialised: when the code that builds the index changes how it
 * lays out bytes (a hash function, a table's load factor, an entry's
 * encoding), the fingerprint changes and files written by the old code are
 * refused, without anyone having to remember to bump FILE_VERSION.
 */
import { createHash } from 'node:crypto';
import { IndicatorIndex, type IndexEntry, type SharedIndex } from './indicator-index.js';

/** Bumped when the file layout above changes (2: a string table's tag byte is never 0 but in an empty slot). */
export const FILE_VERSION = 2;
const MAGIC = Uint8Array.from([0x53, 0x4c, 0x49, 0x4e, 0x44, 0x45, 0x58, 0x0a]); // "SLINDEX\n"
/** Bytes before the header text. */
export const INDEX_FILE_PREFIX_BYTES = 48;
/** Largest header text: metadata (a case's YARA rule names and ids) and the layout; anything larger is damage. */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;
/** Most buffers an index has (it has about thirty). */
const MAX_BUFFERS = 256;
/** Largest buffer: the index's own arena limit (shared-memory.ts). */
const MAX_BUFFER_BYTES = 2 ** 32;

/** The file's opening and its buffers, ready to write in order. */
export interface EncodedIndex {
  /** Prefix and header text. */
  head: Uint8Array;
  /** The buffers' bytes, written after `head` in this order. */
  body: Uint8Array[];
}

/** What the prefix and header say, before the buffers are read. */
export interface IndexFileHeader {
  /** The caller's metadata, as it was given to encodeIndexFile. */
  meta: unknown;
  /** Byte length of each buffer, in file order (they start at `bodyOffset`). */
  buffers: number[];
  bodyOffset: number;
  /** The whole file's expected length. */
  fileBytes: number;
  /** Kept for indexFromFile. */
  layout: unknown;
  bodySha256: string;
  size: number;
  skipped: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Serialises an index with the caller's metadata (any JSON value). */
export function encodeIndexFile(index: IndicatorIndex, meta: unknown): EncodedIndex {
  const shared = index.toShared();
  const buffers: SharedArrayBuffer[] = [];
  const layout = replaceBuffers(shared, buffers);
  const body = buffers.map((b) => new Uint8Array(b));
  const hash = createHash('sha256');
  for (const b of body) hash.update(b);
  const header = {
    meta, fingerprint: layoutFingerprint(), size: index.size, skipped: index.skipped, layout,
    buffers: body.map((b) => b.byteLength), bodySha256: hash.digest('hex'),
  };
  const text = Buffer.from(JSON.stringify(header), 'utf8');
  const head = new Uint8Array(INDEX_FILE_PREFIX_BYTES + text.length);
  const dv = new DataView(head.buffer);
  head.set(MAGIC, 0);
  dv.setUint32(8, FILE_VERSION, true);
  dv.setUint32(12, text.length, true);
  head.set(createHash('sha256').update(text).digest(), 16);
  head.set(text, INDEX_FILE_PREFIX_BYTES);
  return { head, body };
}

/** Reads the fixed prefix: the header text's length, or why the file is not one this code reads. */
export function readIndexPrefix(prefix: Uint8Array): Outcome<number> {
  if (prefix.length < INDEX_FILE_PREFIX_BYTES) return fail('shorter than an index file\'s prefix');
  for (let i = 0; i < MAGIC.length; i++) if (prefix[i] !== MAGIC[i]) return fail('not an index file (magic)');
  const dv = new DataView(prefix.buffer, prefix.byteOffset, INDEX_FILE_PREFIX_BYTES);
  const version = dv.getUint32(8, true);
  if (version !== FILE_VERSION) return fail(`index file version ${version}, this code reads ${FILE_VERSION}`);
  const h = dv.getUint32(12, true);
  if (h === 0 || h > MAX_HEADER_BYTES) return fail(`header length ${h} out of range`);
  return { ok: true, value: h };
}

/** Checks and parses the header; `bytes` is the prefix followed by the header text (at least). */
export function parseIndexHeader(bytes: Uint8Array): Outcome<IndexFileHeader> {
  const len = readIndexPrefix(bytes);
  if (!len.ok) return len;
  const end = INDEX_FILE_PREFIX_BYTES + len.value;
  if (bytes.length < end) return fail('header truncated');
  const text = bytes.subarray(INDEX_FILE_PREFIX_BYTES, end);
  const sum = createHash('sha256').update(text).digest();
  for (let i = 0; i < 32; i++) if (sum[i] !== bytes[16 + i]) return fail('header checksum mismatch');
  let h: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('header is not an object');
    h = parsed as Record<string, unknown>;
  } catch {
    return fail('header is not JSON');
  }
  if (h['fingerprint'] !== layoutFingerprint()) return fail('index written by code with another layout');
  const buffers = h['buffers'];
  if (!Array.isArray(buffers) || buffers.length > MAX_BUFFERS
    || !buffers.every((n): n is number => Number.isSafeInteger(n) && n >= 0 && n <= MAX_BUFFER_BYTES)) {
    return fail('bad buffer lengths');
  }
  const size = h['size'], skipped = h['skipped'], bodySha256 = h['bodySha256'];
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(skipped) || typeof bodySha256 !== 'string') return fail('bad header fields');
  const fileBytes = buffers.reduce((a, b) => a + b, end);
  return {
    ok: true,
    value: { meta: h['meta'], buffers, bodyOffset: end, fileBytes, layout: h['layout'], bodySha256, size: size as number, skipped: skipped as number },
  };
}

/** Rebuilds the index over buffers read from the file (lengths as the header says), after checking their checksum. */
export function indexFromFile(header: IndexFileHeader, buffers: readonly SharedArrayBuffer[]): Outcome<IndicatorIndex> {
  if (buffers.length !== header.buffers.length) return fail('buffer count mismatch');
  const hash = createHash('sha256');
  for (let i = 0; i < buffers.length; i++) {
    if (buffers[i]!.byteLength !== header.buffers[i]) return fail('buffer length mismatch');
    hash.update(new Uint8Array(buffers[i]!));
  }
  if (hash.digest('hex') !== header.bodySha256) return fail('body checksum mismatch');
  const used = new Set<number>();
  const shared = restoreBuffers(header.layout, buffers, used);
  if (shared === undefined || used.size !== buffers.length) return fail('bad layout');
  const s = shared as SharedIndex;
  if (s === null || typeof s !== 'object' || s.size !== header.size || s.skipped !== header.skipped) return fail('bad layout');
  try {
    return { ok: true, value: IndicatorIndex.fromShared(s) };
  } catch (e) {
    return fail(`bad layout: ${(e as Error).message}`);
  }
}

/** A copy of `v` with each SharedArrayBuffer replaced by `{"$buf": i}`, its bytes appended to `out`. */
function replaceBuffers(v: unknown, out: SharedArrayBuffer[]): unknown {
  if (v instanceof SharedArrayBuffer) {
    out.push(v);
    return { $buf: out.length - 1 };
  }
  if (Array.isArray(v)) return v.map((x) => replaceBuffers(x, out));
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = replaceBuffers(x, out);
    return o;
  }
  return v;
}

/** The inverse of replaceBuffers; undefined when a reference is bad or repeated. Depth is bounded: the layout nests three levels. */
function restoreBuffers(v: unknown, bufs: readonly SharedArrayBuffer[], used: Set<number>, depth = 0): unknown {
  if (depth > 8) return undefined;
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    for (const x of v) {
      const r = restoreBuffers(x, bufs, used, depth + 1);
      if (r === undefined) return undefined;
      a.push(r);
    }
    return a;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$buf') {
      const i = (v as { $buf: unknown }).$buf;
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= bufs.length || used.has(i)) return undefined;
      used.add(i);
      return bufs[i];
    }
    const o: Record<string, unknown> = {};
    for (const k of keys) {
      const r = restoreBuffers((v as Record<string, unknown>)[k], bufs, used, depth + 1);
      if (r === undefined) return undefined;
      o[k] = r;
    }
    return o;
  }
  return v;
}

/** One entry of every kind the index stores, for the layout fingerprint. */
const FINGERPRINT_ENTRIES: readonly IndexEntry[] = [
  { id: 1, type: 'domain', value: 'a.example.net' }, { id: 2, type: 'filename', value: 'x.exe' },
  { id: 3, type: 'email', value: 'a@example.net' }, { id: 4, type: 'url', value: 'http://example.net/a?b' },
  { id: 5, type: 'url', value: 'http://example.net/d/' }, { id: 6, type: 'ipv4', value: '192.0.2.1' },
  { id: 7, type: 'cidr', value: '198.51.100.0/24' }, { id: 8, type: 'ipv6', value: '2001:db8::1' },
  { id: 9, type: 'cidr', value: '2001:db8:1::/48' }, { id: 10, type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
  { id: 11, type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { id: 12, type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  { id: 13, type: 'imphash', value: 'f34d5f2d4577ed6d9ceec516c1f5a744' },
];

let fingerprint: string | undefined;

/** The sha256 of a tiny index's serialised form (see the file comment); computed once per process. */
export function layoutFingerprint(): string {
  if (fingerprint === undefined) {
    const ix = IndicatorIndex.build(FINGERPRINT_ENTRIES);
    const buffers: SharedArrayBuffer[] = [];
    const layout = replaceBuffers(ix.toShared(), buffers);
    const hash = createHash('sha256').update(JSON.stringify(layout));
    for (const b of buffers) hash.update(new Uint8Array(b));
    fingerprint = hash.digest('hex');
  }
  return fingerprint;
}
