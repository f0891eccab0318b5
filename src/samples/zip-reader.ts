/**
 * Reads zip archives from their central directory (APPNOTE.TXT 6.3.x), never
 * from local headers alone: the central directory holds the sizes a member
 * written with a data descriptor (flag bit 3) lacks in its local header.
 * Stored and deflated members; ZipCrypto ones are tried with the analysts'
 * password. Every offset is bounds-checked; a bad member is a diagnostic.
 */
import zlib from 'node:zlib';
import { diag, quoteForDiagnostic } from '../core/diagnostic.js';
import {
  ANALYST_ZIP_PASSWORD, checkMemberSize, remainingBudget, type ArchiveContext, type ArchiveMember,
} from './archive-context.js';
import { computeCrc32 } from './crc32.js';
import { decryptZipCrypto, ZIPCRYPTO_HEADER_BYTES } from './zip-crypto.js';

/** Said of a member the analysts' password does not decrypt. */
const WRONG_PASSWORD = `encrypted member: the password '${ANALYST_ZIP_PASSWORD}' does not fit`;

/** The end-of-central-directory record sits within the last 22 + 65,535 (comment) bytes. */
const MAX_EOCD_SEARCH_BYTES = 22 + 0xffff;
/** Longest member name kept whole (longer ones are cut, with a diagnostic). */
const MAX_NAME_BYTES = 4096;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EXTRA_ZIP64 = 0x0001;
const EXTRA_AES = 0x9901;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const FLAG_STRONG_ENCRYPTION = 0x40;
const FLAG_UTF8 = 0x800;
const PASSWORD = Buffer.from(ANALYST_ZIP_PASSWORD, 'latin1');

/** One central-directory entry. */
export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  modTime: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
  /** A WinZip AES extra field (0x9901) is present. */
  aes: boolean;
  /** A folder, or a symbolic link: nothing to scan. */
  skip: boolean;
}

/** The central directory as read: entries, and how far local offsets are shifted (a self-extractor's stub in front). */
export interface ZipDirectory {
  entries: ZipEntry[];
  shift: number;
}

/** Reads an unsigned 64-bit field as a number (exact up to 2^53, which is all any limit needs). */
function readU64(data: Buffer, at: number): number {
  return data.readUInt32LE(at) + data.readUInt32LE(at + 4) * 0x100000000;
}

/**
 * Position of the end-of-central-directory record, or -1. The signature may
 * also sit inside the archive comment: the record whose comment ends exactly
 * at the end of the file wins, else the last signature found.
 */
function findEocd(data: Buffer): number {
  const stop = Math.max(0, data.length - MAX_EOCD_SEARCH_BYTES);
  let fallback = -1;
  for (let i = data.length - 22; i >= stop; i--) {
    if (data[i] === 0x50 && data[i + 1] === 0x4b && data.readUInt32LE(i) === SIG_EOCD) {
      if (i + 22 + data.readUInt16LE(i + 20) === data.length) return i;
      if (fallback < 0) fallback = i;
    }
  }
  return fallback;
}

/**
 * Reads the central directory. A zip cut off before it (a partial download, a
 * file carved from a capture) is reported and read from its local headers, as
 * far as they give sizes (a member with a data descriptor ends the salvage).
 */
export function readZipDirectory(data: Buffer, path: string, ctx: ArchiveContext): ZipDirectory {
  const report = ctx.onDiagnostic;
  const eocd = findEocd(data);
  if (eocd < 0) {
    report(diag('truncated', path, 'zip without an end-of-central-directory record (cut off?): members read from their local headers'));
    return { entries: readLocalEntries(data, path, ctx), shift: 0 };
  }
  let count = data.readUInt16LE(eocd + 10);
  let cdSize = data.readUInt32LE(eocd + 12);
  let cdOffset = data.readUInt32LE(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc >= 0 && data.readUInt32LE(loc) === SIG_ZIP64_LOCATOR) {
      const z = readU64(data, loc + 8);
      if (z + 56 <= data.length && data.readUInt32LE(z) === SIG_ZIP64_EOCD) {
        count = readU64(data, z + 32);
        cdSize = readU64(data, z + 40);
        cdOffset = readU64(data, z + 48);
        cdEnd = z;
      }
    }
  }
  // A stub in front of the zip (self-extractor) shifts every offset by the same amount.
  let shift = 0;
  if (count > 0 && !(cdOffset + 4 <= data.length && data.readUInt32LE(cdOffset) === SIG_CENTRAL)) {
    const s = cdEnd - cdSize - cdOffset;
    if (s > 0 && cdOffset + s + 4 <= data.length && data.readUInt32LE(cdOffset + s) === SIG_CENTRAL) shift = s;
    else {
      report(diag('bad-record', path, `zip central directory offset ${cdOffset} points at no directory entry`, { offset: eocd }));
      return { entries: [], shift: 0 };
    }
  }
  if (count > ctx.limits.maxMembers) {
    report(diag('too-large', path, `zip claims ${count} members, over the limit of ${ctx.limits.maxMembers}: only the first ${ctx.limits.maxMembers} read`));
    count = ctx.limits.maxMembers;
  }
  const entries: ZipEntry[] = [];
  let pos = cdOffset + shift;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > data.length || data.readUInt32LE(pos) !== SIG_CENTRAL) {
      report(diag('truncated', path, `zip central directory ends after ${i} of ${count} entries`, { offset: pos }));
      break;
    }
    const entry = readCentralEntry(data, pos, path, ctx);
    if (!entry) break;
    entries.push(entry.entry);
    pos = entry.next;
  }
  return { entries, shift };
}

/** Entries from consecutive local headers, for a zip without its central directory. */
function readLocalEntries(data: Buffer, path: string, ctx: ArchiveContext): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let pos = 0;
  while (pos + 30 <= data.length && data.readUInt32LE(pos) === SIG_LOCAL && entries.length < ctx.limits.maxMembers) {
    const flags = data.readUInt16LE(pos + 6);
    const nameLen = data.readUInt16LE(pos + 26);
    const extraLen = data.readUInt16LE(pos + 28);
    let compressedSize = data.readUInt32LE(pos + 18);
    let uncompressedSize = data.readUInt32LE(pos + 22);
    const name = data.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', pos + 30, Math.min(pos + 30 + Math.min(nameLen, MAX_NAME_BYTES), data.length));
    let aes = false;
    let e = pos + 30 + nameLen;
    const extraEnd = Math.min(e + extraLen, data.length);
    while (e + 4 <= extraEnd) {
      const id = data.readUInt16LE(e);
      const len = data.readUInt16LE(e + 2);
      if (id === EXTRA_AES) aes = true;
      // The local zip64 field holds both sizes, uncompressed first (APPNOTE 4.5.3).
      if (id === EXTRA_ZIP64 && len >= 16 && e + 20 <= extraEnd) {
        uncompressedSize = readU64(data, e + 4);
        compressedSize = readU64(data, e + 12);
      }
      e += 4 + len;
    }
    if (flags & FLAG_DATA_DESCRIPTOR && compressedSize === 0) {
      ctx.onDiagnostic(diag('truncated', path, `local header of '${quoteForDiagnostic(name)}' leaves its size to a data descriptor: the rest is not read`, { offset: pos }));
      break;
    }
    entries.push({
      name, flags, method: data.readUInt16LE(pos + 8), modTime: data.readUInt16LE(pos + 10), crc: data.readUInt32LE(pos + 14),
      compressedSize, uncompressedSize, localOffset: pos, aes, skip: name.endsWith('/'),
    });
    pos += 30 + nameLen + extraLen + compressedSize;
  }
  return entries;
}

/** One central-directory header at `pos`, or null when it runs past the end. */
function readCentralEntry(data: Buffer, pos: number, path: string, ctx: ArchiveContext): { entry: ZipEntry; next: number } | null {
  const flags = data.readUInt16LE(pos + 8);
  const nameLen = data.readUInt16LE(pos + 28);
  const extraLen = data.readUInt16LE(pos + 30);
  const commentLen = data.readUInt16LE(pos + 32);
  const next = pos + 46 + nameLen + extraLen + commentLen;
  if (next > data.length) {
    ctx.onDiagnostic(diag('truncated', path, 'zip central directory entry runs past the end of the file', { offset: pos }));
    return null;
  }
  const nameBytes = data.subarray(pos + 46, pos + 46 + Math.min(nameLen, MAX_NAME_BYTES));
  const name = nameBytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1');
  let uncompressedSize = data.readUInt32LE(pos + 24);
  let compressedSize = data.readUInt32LE(pos + 20);
  let localOffset = data.readUInt32LE(pos + 42);
  let aes = false;
  // Extra fields: zip64 sizes (only those whose 32-bit field is all ones, in this order) and the AES marker.
  let e = pos + 46 + nameLen;
  const extraEnd = e + extraLen;
  while (e + 4 <= extraEnd) {
    const id = data.readUInt16LE(e);
    const len = data.readUInt16LE(e + 2);
    const body = e + 4;
    if (body + len > extraEnd) break;
    if (id === EXTRA_AES) aes = true;
    if (id === EXTRA_ZIP64) {
      let f = body;
      if (uncompressedSize === 0xffffffff && f + 8 <= body + len) { uncompressedSize = readU64(data, f); f += 8; }
      if (compressedSize === 0xffffffff && f + 8 <= body + len) { compressedSize = readU64(data, f); f += 8; }
      if (localOffset === 0xffffffff && f + 8 <= body + len) { localOffset = readU64(data, f); }
    }
    e = body + len;
  }
  const unixMode = data.readUInt32LE(pos + 38) >>> 16;
  const isLink = (unixMode & 0o170000) === 0o120000 && data[pos + 5] === 3;
  const entry: ZipEntry = {
    name,
    flags,
    method: data.readUInt16LE(pos + 10),
    modTime: data.readUInt16LE(pos + 12),
    crc: data.readUInt32LE(pos + 16),
    compressedSize,
    uncompressedSize,
    localOffset,
    aes,
    skip: name.endsWith('/') || isLink,
  };
  return { entry, next };
}

/**
 * The members of a zip, each checked against the limits, decrypted when it is
 * ZipCrypto with the analysts' password, inflated and CRC-checked.
 */
export function* readZipMembers(data: Buffer, path: string, ctx: ArchiveContext): Generator<ArchiveMember> {
  const dir = readZipDirectory(data, path, ctx);
  for (const entry of dir.entries) {
    if (ctx.stopped) return;
    if (entry.skip) continue;
    const member = extractZipEntry(data, entry, dir.shift, `${path}!${entry.name}`, ctx);
    if (member) yield { name: entry.name, data: member };
  }
}

/** The plain bytes of one entry, or null (reported). */
export function extractZipEntry(data: Buffer, entry: ZipEntry, shift: number, where: string, ctx: ArchiveContext): Buffer | null {
  const report = (code: Parameters<typeof diag>[0], reason: string): null => {
    ctx.onDiagnostic(diag(code, where, reason));
    return null;
  };
  const encrypted = (entry.flags & FLAG_ENCRYPTED) !== 0;
  if (encrypted && (entry.aes || entry.method === METHOD_AES)) return report('unsupported', 'AES-encrypted member not supported');
  if (encrypted && entry.flags & FLAG_STRONG_ENCRYPTION) return report('unsupported', 'strong-encrypted member not supported');
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    return report('unsupported', `compression method ${entry.method} not supported`);
  }
  const tooBig = checkMemberSize(ctx, entry.compressedSize, entry.uncompressedSize);
  if (tooBig) return report('too-large', tooBig);
  const lo = entry.localOffset + shift;
  if (lo + 30 > data.length || data.readUInt32LE(lo) !== SIG_LOCAL) {
    return report('bad-record', `local header expected at byte ${lo} is missing`);
  }
  const start = lo + 30 + data.readUInt16LE(lo + 26) + data.readUInt16LE(lo + 28);
  const end = start + entry.compressedSize;
  if (end > data.length) return report('truncated', `member data runs past the end of the archive (${end} > ${data.length})`);
  let payload: Buffer = data.subarray(start, end);
  if (encrypted) {
    // The header's last byte checks the password: the CRC's high byte, or the
    // DOS time's high byte when sizes and CRC follow in a data descriptor (APPNOTE 6.1.6).
    const check = entry.flags & FLAG_DATA_DESCRIPTOR ? (entry.modTime >>> 8) & 0xff : entry.crc >>> 24;
    if (payload.length < ZIPCRYPTO_HEADER_BYTES) return report('truncated', 'encrypted member shorter than its 12-byte header');
    const plain = decryptZipCrypto(payload, PASSWORD, check);
    if (!plain) return report('unsupported', WRONG_PASSWORD);
    payload = plain;
  }
  let out: Buffer;
  if (entry.method === METHOD_STORED) {
    out = payload;
  } else {
    // Never inflate past what the directory declared: a liar is caught, not obeyed.
    const cap = Math.min(entry.uncompressedSize, remainingBudget(ctx));
    try {
      out = zlib.inflateRawSync(payload, { maxOutputLength: Math.max(1, cap) });
    } catch (err) {
      // The check byte lets a wrong password through once in 256 tries: then the data is noise.
      if (encrypted) return report('unsupported', WRONG_PASSWORD);
      const msg = err instanceof RangeError ? `inflates past its declared ${entry.uncompressedSize} bytes` : `deflate data corrupt (${quoteForDiagnostic(String((err as Error).message))})`;
      return report('bad-record', msg);
    }
  }
  if (encrypted && (out.length !== entry.uncompressedSize || computeCrc32(out) !== entry.crc)) {
    return report('unsupported', WRONG_PASSWORD);
  }
  if (out.length !== entry.uncompressedSize) {
    return report('bad-record', `member is ${out.length} bytes, the directory says ${entry.uncompressedSize}`);
  }
  if (computeCrc32(out) !== entry.crc) return report('bad-record', 'CRC-32 mismatch: member corrupt');
  return out;
}
