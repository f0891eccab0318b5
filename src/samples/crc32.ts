/**
 * CRC-32 (IEEE 802.3, the polynomial zip and gzip use). Our own table rather
 * than zlib.crc32, which Node only has from 20.15, and because ZipCrypto's key
 * schedule needs the one-byte step (`updateCrc32Byte`).
 */

import zlib from 'node:zlib';

const CRC_TABLE: Uint32Array = buildCrcTable();

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** One CRC-32 step over one byte, on the raw (not inverted) register. */
export function updateCrc32Byte(crc: number, byte: number): number {
  return (CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
}

/** zlib's native CRC-32 when this Node has it (20.15+): several times faster on large members. */
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 of `data` (or of `data[start, end)`) as zip and gzip store it (unsigned). */
export function computeCrc32(data: Uint8Array, start = 0, end = data.length): number {
  if (nativeCrc32) return nativeCrc32(data.subarray(start, end)) >>> 0;
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
