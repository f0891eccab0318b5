/**
 * The ASN tables' binary cache: parsing the CSVs costs some 100 ms for
 * IPv4, reading this file a tenth of that. One file per family, in
 * `$XDG_CACHE_HOME/sightline/` (default `~/.cache/sightline/`), named after
 * the data package's version.
 *
 * It is never trusted blindly: a file of the wrong size, magic (which also
 * catches another byte order), format version or key, whose SHA-256 does
 * not match, or whose tables are not well formed (starts ascending, ranges
 * not overlapping, indexes inside their tables, name offsets ascending) is
 * refused, and the caller rebuilds it from the CSV. It is written to a
 * temporary file and renamed into place, so a reader never sees half of one.
 *
 * Layout, native-endian 32-bit words (the magic tells the byte order):
 *
 *     magic 'SLAS', version, words, count, orgCount, nameChars, nameBytes,
 *     skipped, clipped, keyBytes,
 *     key (UTF-8, padded to 4 bytes),
 *     starts[count*words], ends[count*words], orgs[count], asns[orgCount],
 *     nameEnds[orgCount] (UTF-16 offsets into the decoded names),
 *     names (UTF-8, padded to 4 bytes),
 *     SHA-256 of everything before it (32 bytes)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { compare, type AsnTable } from './asn-csv.js';

const MAGIC = 0x53414c53; // 'SLAS' read as a little-endian word
const FORMAT_VERSION = 1;
const HEADER_WORDS = 10;
const DIGEST_BYTES = 32;
/** Largest cache file read (the IPv4 one is some 8 MB). */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/** An AsnTable with its names still joined: `names` is filled lazily from `nameText`. */
export interface CachedTable {
  table: Omit<AsnTable, 'names'>;
  /** Every organisation name, concatenated. */
  nameText: string;
  /** Per organisation, where its name ends in nameText. */
  nameEnds: Uint32Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Encodes a table and its key (the data's identity) into the cache layout. */
export function encodeAsnCache(t: AsnTable, key: string): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const nameEnds = new Uint32Array(t.names.length);
  let chars = 0;
  t.names.forEach((n, i) => { chars += n.length; nameEnds[i] = chars; });
  const nameBytes = Buffer.from(t.names.join(''), 'utf8');
  const W = t.words;
  const words = HEADER_WORDS + pad4(keyBytes.length) / 4 + 2 * t.count * W + t.count + 2 * t.names.length + pad4(nameBytes.length) / 4;
  const out = Buffer.alloc(words * 4 + DIGEST_BYTES);
  const u = new Uint32Array(out.buffer, out.byteOffset, words);
  u.set([MAGIC, FORMAT_VERSION, W, t.count, t.names.length, chars, nameBytes.length, t.skipped, t.clipped, keyBytes.length]);
  let at = HEADER_WORDS;
  keyBytes.copy(out, at * 4);
  at += pad4(keyBytes.length) / 4;
  for (const a of [t.starts.subarray(0, t.count * W), t.ends.subarray(0, t.count * W), t.orgs.subarray(0, t.count), t.asns, nameEnds]) {
    u.set(a, at);
    at += a.length;
  }
  nameBytes.copy(out, at * 4);
  createHash('sha256').update(out.subarray(0, words * 4)).digest().copy(out, words * 4);
  return out;
}

/** Decodes and validates a cache file's bytes: the table, or the reason it is refused. */
export function decodeAsnCache(buf: Buffer, key: string): CachedTable | string {
  if (buf.length < HEADER_WORDS * 4 + DIGEST_BYTES || buf.length % 4 !== 0) return 'truncated';
  // Typed views need 4-byte alignment; a pooled Buffer may not have it.
  const b = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  const total = (b.length - DIGEST_BYTES) / 4;
  const u = new Uint32Array(b.buffer, b.byteOffset, total);
  const [magic, version, W, count, orgCount, chars, nameBytes, skipped, clipped, keyLen] = u;
  if (magic !== MAGIC) return 'bad magic';
  if (version !== FORMAT_VERSION) return `format version ${version}`;
  if (W !== 1 && W !== 4) return 'bad word count';
  const expected = HEADER_WORDS + pad4(keyLen!) / 4 + 2 * count! * W + count! + 2 * orgCount! + pad4(nameBytes!) / 4;
  if (expected !== total) return 'size does not match its header';
  const digest = createHash('sha256').update(b.subarray(0, total * 4)).digest();
  if (!digest.equals(b.subarray(total * 4))) return 'checksum mismatch';
  let at = HEADER_WORDS;
  if (b.toString('utf8', at * 4, at * 4 + keyLen!) !== key) return 'built from other data';
  at += pad4(keyLen!) / 4;
  const view = (n: number): Uint32Array => { const v = u.subarray(at, at + n); at += n; return v; };
  const starts = view(count! * W), ends = view(count! * W), orgs = view(count!), asns = view(orgCount!), nameEnds = view(orgCount!);
  const nameText = b.toString('utf8', at * 4, at * 4 + nameBytes!);
  if (nameText.length !== chars) return 'names do not decode';
  for (let i = 0; i < orgCount!; i++) {
    if (nameEnds[i]! > chars! || (i > 0 && nameEnds[i]! < nameEnds[i - 1]!)) return 'bad name offsets';
  }
  if (orgCount! > 0 && nameEnds[orgCount! - 1] !== chars) return 'bad name offsets';
  for (let i = 0; i < count!; i++) {
    if (orgs[i]! >= orgCount!) return 'organisation index out of range';
    if (compare(starts, i * W, ends, i * W, W) > 0) return 'range ends before it starts';
    if (i > 0 && compare(ends, (i - 1) * W, starts, i * W, W) >= 0) return 'ranges out of order';
  }
  return {
    table: { words: W, count: count!, starts, ends, orgs, asns, skipped: skipped!, clipped: clipped! },
    nameText,
    nameEnds,
  };
}

/** Reads a cache file: the table, or the reason there is none (absent, refused). */
export function readAsnCache(path: string, key: string): CachedTable | string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'unreadable';
  }
  if (buf.length > MAX_CACHE_BYTES) return 'too large';
  return decodeAsnCache(buf, key);
}

/** Writes a cache file atomically (a temporary file renamed into place). Returns null, or why it could not. */
export function writeAsnCache(path: string, t: AsnTable, key: string): string | null {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, encodeAsnCache(t, key), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
    return null;
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is missing or no folder: nothing was written.
    }
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}
