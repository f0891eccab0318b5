/**
 * Builds zip archives for tests (APPNOTE.TXT): stored and deflated members,
 * ZipCrypto with a password, data descriptors, zip64 extra fields and end
 * records, AES markers, and lies (wrong CRC, wrong declared size) for the
 * error paths. Test fixtures only; nothing here reads or writes files.
 */
import zlib from 'node:zlib';
import { computeCrc32 } from '../crc32.js';
import { initZipCryptoKeys, nextZipCryptoByte, updateZipCryptoKeys } from '../zip-crypto.js';

/** One member to write. */
export interface ZipWriterEntry {
  name: string;
  data: Buffer;
  method?: 'store' | 'deflate';
  /** Encrypt with ZipCrypto and this password. */
  password?: string;
  /** Sizes and CRC in a data descriptor after the data (flag bit 3), zeros in the local header. */
  dataDescriptor?: boolean;
  /** Sizes as 0xFFFFFFFF with a zip64 extra field. */
  zip64?: boolean;
  /** Mark as WinZip AES (method 99, extra 0x9901); the data is written as is. */
  aes?: boolean;
  /** Store this CRC instead of the true one. */
  crc?: number;
  /** Declare this uncompressed size instead of the true one. */
  declaredSize?: number;
  /** DOS time field (default 0x6000 → 12:00:00). */
  modTime?: number;
}

/** Options for the whole archive. */
export interface ZipWriterOptions {
  /** Bytes in front of the archive (a self-extractor's stub); offsets are written unshifted, as such tools do. */
  prefix?: Buffer;
  /** Write zip64 end-of-central-directory record and locator. */
  zip64End?: boolean;
  comment?: string;
}

/** Encrypts compressed bytes with ZipCrypto: a 12-byte header ending in `checkByte`, then the data. */
export function encryptZipCrypto(plain: Buffer, password: string, checkByte: number): Buffer {
  const keys = initZipCryptoKeys(Buffer.from(password, 'latin1'));
  const header = Buffer.from([0x21, 0x7a, 0x03, 0x9c, 0x44, 0xe1, 0x55, 0x10, 0x8f, 0x3b, 0xc6, checkByte]);
  const input = Buffer.concat([header, plain]);
  const out = Buffer.allocUnsafe(input.length);
  for (let i = 0; i < input.length; i++) {
    const p = input[i]!;
    out[i] = p ^ nextZipCryptoByte(keys);
    updateZipCryptoKeys(keys, p);
  }
  return out;
}

/** A zip archive of `entries`. */
export function buildZip(entries: ZipWriterEntry[], opts: ZipWriterOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = e.crc ?? computeCrc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const modTime = e.modTime ?? 0x6000;
    let method = e.method === 'store' ? 0 : 8;
    let payload = method === 8 ? zlib.deflateRawSync(e.data) : e.data;
    let flags = 0x800;
    if (e.dataDescriptor) flags |= 0x8;
    if (e.password !== undefined) {
      flags |= 0x1;
      const check = e.dataDescriptor ? (modTime >>> 8) & 0xff : crc >>> 24;
      payload = encryptZipCrypto(payload, e.password, check);
    }
    let extra = Buffer.alloc(0);
    if (e.aes) {
      flags |= 0x1;
      extra = Buffer.from([0x01, 0x99, 7, 0, 2, 0, 0x41, 0x45, 3, method, 0]);
      method = 99;
    }
    if (e.zip64) {
      const z = Buffer.alloc(4 + 24);
      z.writeUInt16LE(1, 0);
      z.writeUInt16LE(24, 2);
      z.writeBigUInt64LE(BigInt(size), 4);
      z.writeBigUInt64LE(BigInt(payload.length), 12);
      z.writeBigUInt64LE(BigInt(offset), 20);
      extra = Buffer.concat([extra, z]);
    }
    const csize32 = e.zip64 ? 0xffffffff : payload.length;
    const usize32 = e.zip64 ? 0xffffffff : size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(modTime, 10);
    local.writeUInt16LE(0x5a21, 12);
    local.writeUInt32LE(e.dataDescriptor ? 0 : crc, 14);
    local.writeUInt32LE(e.dataDescriptor ? 0 : csize32, 18);
    local.writeUInt32LE(e.dataDescriptor ? 0 : usize32, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const descriptor = Buffer.alloc(e.dataDescriptor ? 16 : 0);
    if (e.dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(payload.length, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4);
    cd.writeUInt16LE(e.zip64 ? 45 : 20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(modTime, 12);
    cd.writeUInt16LE(0x5a21, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(csize32, 20);
    cd.writeUInt32LE(usize32, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    cd.writeUInt32LE(e.zip64 ? 0xffffffff : offset, 42);
    central.push(cd, name, extra);
    parts.push(local, name, extra, payload, descriptor);
    offset += local.length + name.length + extra.length + payload.length + descriptor.length;
  }
  const cdBytes = Buffer.concat(central);
  const tail: Buffer[] = [];
  const comment = Buffer.from(opts.comment ?? '', 'latin1');
  if (opts.zip64End) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(45, 12);
    z.writeUInt16LE(45, 14);
    z.writeBigUInt64LE(BigInt(entries.length), 24);
    z.writeBigUInt64LE(BigInt(entries.length), 32);
    z.writeBigUInt64LE(BigInt(cdBytes.length), 40);
    z.writeBigUInt64LE(BigInt(offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(offset + cdBytes.length), 8);
    loc.writeUInt32LE(1, 16);
    tail.push(z, loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64End ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(opts.zip64End ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(opts.zip64End ? 0xffffffff : cdBytes.length, 12);
  eocd.writeUInt32LE(opts.zip64End ? 0xffffffff : offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([opts.prefix ?? Buffer.alloc(0), ...parts, cdBytes, ...tail, eocd, comment]);
}
